import type { Arm, BatteryEntry, StudyContact, Timepoint } from '../../lib/types';

/**
 * What the setup forms hold while someone types: numbers as the text in their inputs, so a
 * half-typed value is never silently turned into 0. The server validates; anything not a number
 * is sent as typed, and its message comes back on the right field.
 */
export interface TimepointDraft {
  /** Stable React key: ids are editable. */
  key: string;
  id: string;
  label: string;
  anchorKind: 'enrollment' | 'completed' | 'date';
  /** The timepoint (for `completed`) or the participant date field (for `date`). */
  anchorRef: string;
  offsetDays: string;
  sendAt: string;
  opensDaysBefore: string;
  closesDaysAfter: string;
  reminders: string;
  instruments: BatteryEntry[];
  arms: string[];
}

let counter = 0;
export const newKey = () => `k${++counter}`;

export function timepointDraft(t: Timepoint): TimepointDraft {
  const completed = /^(.+)\.completed$/.exec(t.anchor)?.[1];
  const dateField = /^date:(.+)$/.exec(t.anchor)?.[1];
  return {
    key: newKey(),
    id: t.id,
    label: t.label,
    anchorKind: completed ? 'completed' : dateField ? 'date' : 'enrollment',
    anchorRef: completed ?? dateField ?? '',
    offsetDays: String(t.offsetDays),
    sendAt: t.sendAt,
    opensDaysBefore: String(t.window.opensDaysBefore),
    closesDaysAfter: String(t.window.closesDaysAfter),
    reminders: t.reminders.join(', '),
    instruments: t.instruments,
    arms: t.arms,
  };
}

export function blankTimepoint(arms: string[], existing: TimepointDraft[]): TimepointDraft {
  const first = existing.length === 0;
  return {
    key: newKey(),
    id: first ? 'baseline' : '',
    label: first ? 'Baseline' : '',
    anchorKind: 'enrollment',
    anchorRef: '',
    offsetDays: first ? '0' : '',
    sendAt: '09:00',
    opensDaysBefore: '0',
    closesDaysAfter: '7',
    reminders: '2, 5',
    instruments: [],
    arms,
  };
}

/** "12" → 12; anything else stays text for the server to name. */
const number = (text: string): number | string => (/^\s*-?\d+\s*$/.test(text) ? Number(text) : text);

export function toTimepoint(d: TimepointDraft): Record<string, unknown> {
  return {
    id: d.id.trim(),
    label: d.label.trim(),
    anchor: d.anchorKind === 'enrollment' ? 'enrollment' : d.anchorKind === 'completed' ? `${d.anchorRef}.completed` : `date:${d.anchorRef.trim()}`,
    offsetDays: number(d.offsetDays),
    sendAt: d.sendAt,
    window: { opensDaysBefore: number(d.opensDaysBefore), closesDaysAfter: number(d.closesDaysAfter) },
    reminders: d.reminders
      .split(',')
      .map((r) => r.trim())
      .filter((r) => r !== '')
      .map(number),
    instruments: d.instruments,
    arms: d.arms,
  };
}

export const toProtocol = (drafts: TimepointDraft[]) => ({ timepoints: drafts.map(toTimepoint) });

export interface ArmDraft extends Arm {
  key: string;
}

export const armDrafts = (arms: Arm[]): ArmDraft[] => arms.map((a) => ({ ...a, key: newKey() }));

export interface ContactDraft extends StudyContact {
  key: string;
}

export const contactDrafts = (contacts: StudyContact[]): ContactDraft[] => contacts.map((c) => ({ ...c, key: newKey() }));

export const strip = <T extends { key: string }>(rows: T[]): Array<Omit<T, 'key'>> => rows.map(({ key: _key, ...rest }) => rest);

/** The message for a field or, failing that, for anything inside it (`reminders.1` shows on `reminders`). */
export function errorAt(errors: Record<string, string>, path: string): string | undefined {
  if (errors[path] !== undefined) return errors[path];
  const inner = Object.keys(errors).find((k) => k.startsWith(`${path}.`));
  return inner === undefined ? undefined : errors[inner];
}

/** The motivating trial (Aygün et al. 2024): MBPM vs wait-list, plus healthy controls at baseline only. */
export const trialTemplate = {
  name: 'Mindfulness-Based Pain Management (Aygün et al. 2024)',
  timezone: 'Europe/Istanbul',
  arms: [
    { id: 'mbpm', label: 'Mindfulness-Based Pain Management course' },
    { id: 'waitlist', label: 'Wait-list control' },
    { id: 'healthy', label: 'Healthy control' },
  ],
  battery: [
    { id: 'promis29', version: '2.0' },
    { id: 'sfmpq', version: '1.0' },
    { id: 'pam13', version: '1.0' },
    { id: 'pcs', version: '1.0' },
    { id: 'bdi2', version: '1.0' },
    { id: 'maia1', version: '1.0' },
    { id: 'ffmq39', version: '1.0' },
  ],
  timepoints(): Timepoint[] {
    const window = (opens: number) => ({ opensDaysBefore: opens, closesDaysAfter: 7 });
    return [
      { id: 'baseline', label: 'Baseline', anchor: 'enrollment', offsetDays: 0, sendAt: '09:00', window: window(0), reminders: [2, 5], instruments: this.battery, arms: ['mbpm', 'waitlist', 'healthy'] },
      { id: 'week8', label: 'Week 8', anchor: 'enrollment', offsetDays: 56, sendAt: '09:00', window: window(3), reminders: [2, 5], instruments: this.battery, arms: ['mbpm', 'waitlist'] },
    ];
  },
};
