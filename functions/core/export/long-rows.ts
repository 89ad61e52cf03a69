import type { CatalogueInstrument } from '../ports';
import type { Instance } from '../schedule/records';
import type { Participant } from '../study/study';

/** The columns of the `long` export, in order: one row per participant × timepoint × instrument × scale. */
export const longColumns = [
  'participant',
  'arm',
  'stratum',
  'allocation_sequence',
  'timepoint',
  'instrument',
  'instrument_version',
  'scoring_version',
  'scale',
  'value',
  'raw',
  'se',
  'band',
  'status',
  'missing_rule',
  'answered',
  'items',
  'completed_at',
  'enrolled_at',
  'due_at',
  'days_from_enrolment',
  'protocol_version',
  'language',
] as const;

/** Added after the others only when test participants are asked for (`include_test=1`): 1 for a test participant, else 0. */
export const testColumn = 'test';

export type LongRow = Record<(typeof longColumns)[number], string | number | null> & { test?: 0 | 1 };

const DAY_MS = 86_400_000;

/**
 * Days from enrolment to completion, as a decimal (4 places, about 9 seconds): what a
 * longitudinal model takes as its time variable. Null when not completed or not enrolled.
 */
export function daysFromEnrolment(enrolledAt: string | undefined, completedAt: string | undefined): number | null {
  if (enrolledAt === undefined || completedAt === undefined) return null;
  const days = (Date.parse(completedAt) - Date.parse(enrolledAt)) / DAY_MS;
  return Number.isFinite(days) ? Math.round(days * 10_000) / 10_000 : null;
}

/** The participant-level timing and context columns of `long` and `items` (empty without a participant record). */
export function participantContext(participant: Participant | undefined, instance: Instance) {
  return {
    enrolled_at: participant?.enrolledAt ?? null,
    due_at: instance.dueAt ?? null,
    days_from_enrolment: daysFromEnrolment(participant?.enrolledAt, instance.completedAt),
    protocol_version: participant?.protocolVersion ?? null,
    language: participant === undefined ? null : (participant.language ?? 'en'),
    test: (participant?.test ? 1 : 0) as 0 | 1,
  };
}

/**
 * The tidy table analysts load into R or pandas. Every planned instance appears, so a missing
 * week-8 questionnaire is an explicit row (status = the instance's state, value empty) rather
 * than an absence. No contact details exist in these inputs, so none can leak into the output.
 */
export function* longRows(
  participants: Participant[],
  instances: Instance[],
  find: (id: string, version: string) => CatalogueInstrument | undefined,
  timepointOrder: string[],
): Generator<LongRow> {
  const byCode = new Map(participants.map((p) => [p.code, p]));
  const order = (i: Instance) => timepointOrder.indexOf(i.timepoint);
  const sorted = [...instances].sort((a, b) => a.code.localeCompare(b.code) || order(a) - order(b));
  for (const instance of sorted) {
    for (const { id, version } of instance.instruments) {
      const score = instance.scores?.find((s) => s.instrument === id);
      const definition = find(id, version)?.scoring;
      const scaleIds = score ? Object.keys(score.scales) : (definition?.scales.map((s) => s.id) ?? []);
      for (const scale of scaleIds) {
        const s = score?.scales[scale];
        yield {
          participant: instance.code,
          arm: byCode.get(instance.code)?.arm ?? instance.arm,
          ...allocationCells(byCode.get(instance.code)),
          timepoint: instance.timepoint,
          instrument: id,
          instrument_version: version,
          scoring_version: score?.scoringVersion ?? definition?.scoringVersion ?? null,
          scale,
          value: s?.value ?? null,
          raw: s?.raw ?? null,
          se: s?.se ?? null,
          band: s?.band ?? null,
          status: s?.status ?? instance.status,
          missing_rule: s?.rule ?? null,
          answered: s?.answered ?? null,
          items: s?.items ?? null,
          completed_at: instance.completedAt ?? null,
          ...participantContext(byCode.get(instance.code), instance),
        };
      }
    }
  }
}

/** One participant's long rows (the unit the paged export and the summary both read in). */
export const groupLongRows = (
  group: { participant?: Participant; instances: Instance[] },
  find: (id: string, version: string) => CatalogueInstrument | undefined,
  timepointOrder: string[],
): Generator<LongRow> => longRows(group.participant ? [group.participant] : [], group.instances, find, timepointOrder);

/** A participant's stratum and allocation sequence number (empty when they were not allocated). */
export function allocationCells(participant: Participant | undefined): { stratum: string | null; allocation_sequence: number | null } {
  return { stratum: participant?.allocation?.stratum ?? null, allocation_sequence: participant?.allocation?.sequence ?? null };
}
