import type { ColumnSpec } from './columns';
import { allocationCells, daysFromEnrolment } from './long-rows';
import type { ParticipantGroup } from './participant-groups';

export type ExportRow = Record<string, string | number | null>;

/**
 * One participant's row of the `wide` format (columns from `wideColumnSpecs`): their arm and
 * status, then per timepoint when they submitted and each scale's value. A questionnaire not
 * completed, or a scale not scored, leaves its cells empty (null); the long format says why.
 */
export function wideRow(columns: ColumnSpec[], group: ParticipantGroup): ExportRow {
  const row: ExportRow = Object.fromEntries(columns.map((c) => [c.name, null]));
  row.participant = group.code;
  row.arm = group.participant?.arm ?? group.instances[0]?.arm ?? null;
  Object.assign(row, allocationCells(group.participant));
  row.status = group.participant?.status ?? null;
  const participant = group.participant;
  /** Fills a column the layout has (a timepoint no longer in it, or `test` when not asked for, stays out). */
  const set = (column: string, value: string | number | null) => {
    if (column in row) row[column] = value;
  };
  set('enrolled_at', participant?.enrolledAt ?? null);
  set('protocol_version', participant?.protocolVersion ?? null);
  set('language', participant === undefined ? null : (participant.language ?? 'en'));
  set('test', participant?.test ? 1 : 0);
  for (const instance of group.instances) {
    set(`${instance.timepoint}_completed_at`, instance.completedAt ?? null);
    set(`${instance.timepoint}_due_at`, instance.dueAt ?? null);
    set(`${instance.timepoint}_days_from_enrolment`, daysFromEnrolment(participant?.enrolledAt, instance.completedAt));
    for (const score of instance.scores ?? []) {
      for (const [scale, result] of Object.entries(score.scales)) {
        const name = `${instance.timepoint}_${score.instrument}_${scale}`;
        if (name in row) row[name] = result.value;
      }
    }
  }
  return row;
}
