import type { Study, Timepoint } from '../../functions/core/study/study';

/** A timepoint with the demo's window and reminders, defaulting to PHQ-9 only. */
export const timepoint = (overrides: Partial<Timepoint> & Pick<Timepoint, 'id' | 'arms'>): Timepoint => ({
  label: overrides.id,
  anchor: 'enrollment',
  offsetDays: 0,
  sendAt: '09:00',
  window: { opensDaysBefore: 0, closesDaysAfter: 7 },
  reminders: [2, 5],
  instruments: [{ id: 'phq9', version: '1.0' }],
  ...overrides,
});

/**
 * A small study of its own, independent of the demo study's battery (which changes as the
 * instrument catalogue grows): arms mbpm, waitlist and healthy, a London default zone.
 */
export const testStudy = (id: string, timepoints: Timepoint[], extra: Partial<Study> = {}): Study => ({
  id,
  name: `Test study ${id}`,
  timezone: 'Europe/London',
  arms: [
    { id: 'mbpm', label: 'Mindfulness course' },
    { id: 'waitlist', label: 'Wait-list' },
    { id: 'healthy', label: 'Healthy control' },
  ],
  sender: { name: 'Test study', email: 'study@example.org' },
  contacts: [{ name: 'Test coordinator', email: 'coordinator@example.org', safety: true }],
  missingRules: {},
  emails: {},
  support: {},
  protocol: { version: 1, timepoints },
  ...extra,
});

/** PHQ-9 answers summing to `total` (items 1–8 up to 3 each; item 9 as given, default 0). */
export function phq9Answers(total: number, item9 = 0): Record<string, number> {
  const answers: Record<string, number> = {};
  let left = total - item9;
  for (let i = 1; i <= 8; i++) {
    answers[`PHQ9_${i}`] = Math.max(0, Math.min(3, left));
    left -= answers[`PHQ9_${i}`]!;
  }
  answers.PHQ9_9 = item9;
  return answers;
}

/** A response's JSON body, for assertions that read into it (tests only). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const json = (response: Response): Promise<any> => response.json();
