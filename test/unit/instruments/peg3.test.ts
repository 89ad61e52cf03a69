import { describe, expect, it } from 'vitest';
import { itHasAConsistentFormAndDefinition, loadInstrument } from './instrument-harness';

// Krebs 2009: the PEG score is the mean of the three 0–10 items.
const { score } = loadInstrument('peg3');

describe('PEG-3', () => {
  itHasAConsistentFormAndDefinition('peg3');

  it('is the mean of pain, enjoyment and general activity', () => {
    expect(score({ PEG_1: 7, PEG_2: 5, PEG_3: 6 }).scales.peg).toMatchObject({ value: 6, status: 'complete' });
    expect(score({ PEG_1: 7, PEG_2: 5, PEG_3: 5 }).scales.peg?.value).toBeCloseTo(17 / 3, 12);
    expect(score({ PEG_1: 0, PEG_2: 0, PEG_3: 0 }).scales.peg?.value).toBe(0);
    expect(score({ PEG_1: 10, PEG_2: 10, PEG_3: 10 }).scales.peg?.value).toBe(10);
  });

  it('needs all three items (no published missing-data rule)', () => {
    expect(score({ PEG_1: 7, PEG_2: 5, PEG_3: null }).scales.peg).toMatchObject({ value: null, status: 'not_scored' });
  });
});
