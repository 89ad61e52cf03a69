import { describe, expect, it } from 'vitest';
import { progressLine } from '../../scripts/commands/export';

describe('the export progress line', () => {
  it('shows participants done of total, rows written and the rate', () => {
    expect(progressLine({ participants: 6, participantsTotal: 24, rows: 150, }, 2_000, 8)).toBe('[##------] 6/24 participants · 150 rows · 75 rows/s');
  });

  it('is full when done, and for a study without participants (the codebook)', () => {
    expect(progressLine({ participants: 24, participantsTotal: 24, rows: 9 }, 0, 4)).toBe('[####] 24/24 participants · 9 rows · 0 rows/s');
    expect(progressLine({ participants: 0, participantsTotal: 0, rows: 40 }, 1_000, 4)).toBe('[####] 0/0 participants · 40 rows · 40 rows/s');
  });
});
