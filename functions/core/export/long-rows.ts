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
] as const;

export type LongRow = Record<(typeof longColumns)[number], string | number | null>;

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
