import { describe, expect, it } from 'vitest';
import { higherIsBetter, seededRandom, syntheticAnswers } from '../../functions/core/demo/synthetic-answers';
import { scoreInstrument } from '../../functions/core/scoring/engine';
import { findInstrument, listInstruments } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';

const find = (id: string) => findInstrument(id)!.scoring;

describe('the clinically better direction of a scale', () => {
  it.each([
    ['phq9', 'total', false],
    ['gad7', 'total', false],
    ['peg3', 'peg', false],
    ['promis29', 'physical_function', true],
    ['promis29', 'anxiety', false],
    ['wemwbs', 'total', true],
    ['who5', 'percentage', true],
    ['maia2', 'noticing', true],
    ['pseq', 'total', true],
    ['tsk17', 'total', false],
    ['pcs', 'total', false],
  ])('%s %s: higher is better = %s', (id, scale, better) => {
    expect(higherIsBetter(find(id), scale)).toBe(better);
  });
});

describe('synthetic answers', () => {
  it('are valid codes that score worse at a higher severity, on every bundled instrument', () => {
    for (const instrument of listInstruments()) {
      const { scoring } = instrument;
      if (scoring.scales.every((s) => s.formula === 'plugin')) continue;
      const well = scoreInstrument(scoring, syntheticAnswers(scoring, 0.1, seededRandom(1)));
      const unwell = scoreInstrument(scoring, syntheticAnswers(scoring, 0.9, seededRandom(1)));
      for (const scale of scoring.scales.filter((s) => s.formula !== 'plugin')) {
        const a = well.scales[scale.id]!.value;
        const b = unwell.scales[scale.id]!.value;
        expect(a, `${scoring.id}.${scale.id}`).not.toBeNull();
        expect(b, `${scoring.id}.${scale.id}`).not.toBeNull();
        const healthier = higherIsBetter(scoring, scale.id) ? a! > b! : a! < b!;
        expect(healthier, `${scoring.id}.${scale.id}: ${a} at low severity vs ${b} at high`).toBe(true);
      }
    }
  });

  it('raise no urgent flag unless asked to', () => {
    const phq9 = find('phq9');
    expect(scoreInstrument(phq9, syntheticAnswers(phq9, 0.95, seededRandom(3))).flags.filter((f) => f.urgent)).toEqual([]);
    expect(scoreInstrument(phq9, syntheticAnswers(phq9, 0.95, seededRandom(3), { urgent: true })).flags.filter((f) => f.urgent)).not.toEqual([]);
  });

  it('are the same for the same seed', () => {
    expect(syntheticAnswers(find('gad7'), 0.5, seededRandom(9))).toEqual(syntheticAnswers(find('gad7'), 0.5, seededRandom(9)));
  });
});
