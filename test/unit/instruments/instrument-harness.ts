import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { scoringDefinitionSchema, type ScoringDefinition } from '../../../functions/core/scoring/definition';
import { scoreInstrument, type ScoreOptions, type ScoreResult } from '../../../functions/core/scoring/engine';
import { loadSurveyValidator } from '../../../functions/adapters/surveyjs/survey-validation';

const surveysDir = join(import.meta.dirname, '..', '..', '..', 'surveys');

export interface LoadedInstrument {
  scoring: ScoringDefinition;
  survey: Record<string, unknown>;
  score: (answers: Record<string, number | null>, options?: ScoreOptions) => ScoreResult;
}

/** Reads an instrument's files from surveys/<id>/ and parses its scoring definition. */
export function loadInstrument(id: string): LoadedInstrument {
  const read = (file: string) => JSON.parse(readFileSync(join(surveysDir, id, file), 'utf8')) as Record<string, unknown>;
  const scoring = scoringDefinitionSchema().parse(read('scoring.json'));
  return { scoring, survey: read('survey.json'), score: (answers, options) => scoreInstrument(scoring, answers, options) };
}

interface SurveyQuestion {
  name: string;
  type: string;
  choices?: Array<{ value: unknown } | number | string>;
  rateMin?: number;
  rateMax?: number;
  rateValues?: Array<{ value: unknown } | number>;
  min?: number;
  max?: number;
  elements?: SurveyQuestion[];
}

function questionsOf(survey: Record<string, unknown>): SurveyQuestion[] {
  const pages = (survey.pages as Array<{ elements?: SurveyQuestion[] }> | undefined) ?? [];
  const flat = (elements: SurveyQuestion[]): SurveyQuestion[] =>
    elements.flatMap((e) => (e.type === 'panel' ? flat(e.elements ?? []) : [e]));
  return pages.flatMap((p) => flat(p.elements ?? []));
}

const valuesOf = (q: SurveyQuestion): number[] | undefined => {
  const list = q.choices ?? q.rateValues;
  if (list) return list.map((c) => (typeof c === 'object' ? Number(c.value) : Number(c)));
  if (q.rateMin !== undefined && q.rateMax !== undefined) {
    return Array.from({ length: q.rateMax - q.rateMin + 1 }, (_, i) => (q.rateMin as number) + i);
  }
  return undefined;
};

/**
 * The checks every bundled instrument must pass: its definition parses, its form asks exactly
 * its items, each question offers exactly the item's allowed codes, a fully answered form
 * passes SurveyJS's own validation, and every scale scores "complete" on it.
 */
export function itHasAConsistentFormAndDefinition(id: string): void {
  it(`${id}: the form asks exactly the defined items, offering exactly their codes`, () => {
    const { scoring, survey } = loadInstrument(id);
    expect(scoring.id).toBe(id);
    const questions = questionsOf(survey);
    expect(questions.map((q) => q.name).sort()).toEqual(scoring.items.map((i) => i.id).sort());
    for (const item of scoring.items) {
      const question = questions.find((q) => q.name === item.id)!;
      const offered = valuesOf(question);
      if (item.codes) {
        expect(offered, `${item.id} choices`).toEqual(item.codes);
      } else if (offered) {
        expect([offered[0], offered.at(-1)], `${item.id} range`).toEqual([item.range!.min, item.range!.max]);
      } else {
        expect([question.min, question.max], `${item.id} range`).toEqual([item.range!.min, item.range!.max]);
      }
    }
  });

  it(`${id}: a fully answered form passes SurveyJS validation and scores every scale`, async () => {
    const { scoring, survey, score } = loadInstrument(id);
    const answers = Object.fromEntries(
      scoring.items.map((i) => [i.id, i.codes ? i.codes.find((c) => !i.missingCodes.includes(c))! : i.range!.min]),
    );
    const validateWithSurvey = await loadSurveyValidator();
    expect(validateWithSurvey(survey, answers)).toEqual([]);
    const result = score(answers);
    for (const scale of scoring.scales) {
      if (scale.formula === 'plugin') continue;
      expect(result.scales[scale.id]?.status, `${id}.${scale.id}`).toBe('complete');
    }
  });
}
