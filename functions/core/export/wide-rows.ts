import type { ColumnSpec } from './columns';
import { allocationCells } from './long-rows';
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
  for (const instance of group.instances) {
    const completedAt = `${instance.timepoint}_completed_at`;
    if (completedAt in row) row[completedAt] = instance.completedAt ?? null;
    for (const score of instance.scores ?? []) {
      for (const [scale, result] of Object.entries(score.scales)) {
        const name = `${instance.timepoint}_${score.instrument}_${scale}`;
        if (name in row) row[name] = result.value;
      }
    }
  }
  return row;
}
