import { describe, expect, it } from 'vitest';
import { isAppError } from '../../functions/core/errors';
import { studySchema } from '../../functions/core/study/study';
import { parseInput } from '../../functions/use-cases/parse-input';

const problems = (input: unknown) => {
  try {
    parseInput(studySchema(), input);
    return [];
  } catch (error) {
    if (!isAppError(error)) throw error;
    return error.details ?? [];
  }
};

describe('validation problems in a coordinator’s words', () => {
  const blank = {
    id: '',
    name: '',
    timezone: 'Europe/London',
    arms: [{ id: '', label: '' }],
    sender: { name: '', email: '' },
    contacts: [{ name: 'Ana', email: 'not-an-address', safety: true }],
    protocol: { version: 1, timepoints: [{ id: 'baseline', label: 'Baseline', anchor: 'later', offsetDays: 0, sendAt: '9am', window: { opensDaysBefore: 0, closesDaysAfter: 7 }, reminders: [], instruments: [{ id: 'phq9', version: '1.0' }], arms: ['mbpm'] }] },
  };

  it('says a missing value is required, once per field, and names what is wrong with the rest', () => {
    const byField = Object.fromEntries(problems(blank).map((p) => [p.field, p.message]));
    expect(byField).toMatchObject({
      id: 'is required',
      name: 'is required',
      'arms.0.id': 'is required',
      'arms.0.label': 'is required',
      'sender.name': 'is required',
      'sender.email': 'is required',
      'contacts.0.email': 'is not an email address',
      'protocol.timepoints.0.sendAt': 'must be a time as HH:MM, 24-hour (e.g. 09:00)',
      'protocol.timepoints.0.anchor': expect.stringMatching(/^must be enrolment/),
    });
    expect(problems(blank).filter((p) => p.field === 'id')).toHaveLength(1);
    for (const { message } of problems(blank)) expect(message).not.toMatch(/Too small|Invalid input|expected string/);
  });
});
