import type { Answers } from './answers';
import type { ItemDefinition, ScoringDefinition } from './definition';

export interface AnswerProblem {
  item: string;
  message: string;
}

function checkItem(item: ItemDefinition, value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return `expected a number, got ${typeof value === 'string' ? `the string "${value.slice(0, 20)}"` : typeof value}`;
  }
  if (item.missingCodes.includes(value)) return null;
  if (item.codes !== undefined) {
    return item.codes.includes(value) ? null : `${value} is not an allowed code (allowed: ${item.codes.join(', ')})`;
  }
  const range = item.range!;
  if (range.integer && !Number.isInteger(value)) return `${value} is not a whole number`;
  return value < range.min || value > range.max ? `${value} is outside ${range.min}–${range.max}` : null;
}

/**
 * The strict check every answer passes before it is stored or scored: the item must belong to
 * the battery and the value must be one of its allowed codes (or null for unanswered). This is
 * what survey-core's own validation does not catch: out-of-range ratings, "2" for 2, unknown keys.
 */
export function checkAnswers(definitions: ScoringDefinition[], answers: Record<string, unknown>): AnswerProblem[] {
  const items = new Map(definitions.flatMap((d) => d.items.map((i) => [i.id, i] as const)));
  const problems: AnswerProblem[] = [];
  for (const [id, value] of Object.entries(answers)) {
    const item = items.get(id);
    if (item === undefined) {
      problems.push({ item: id, message: 'is not an item of this questionnaire' });
      continue;
    }
    const message = checkItem(item, value);
    if (message !== null) problems.push({ item: id, message });
  }
  return problems;
}

/** The answers that belong to one instrument, with unanswered items as null. */
export function answersFor(definition: ScoringDefinition, answers: Answers): Answers {
  return Object.fromEntries(definition.items.map((i) => [i.id, answers[i.id] ?? null]));
}
