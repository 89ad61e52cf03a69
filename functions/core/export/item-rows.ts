import type { ColumnSpec } from './columns';
import { participantContext } from './long-rows';
import type { ParticipantGroup } from './participant-groups';
import { allocationCells } from './long-rows';
import type { ExportRow } from './wide-rows';

/**
 * One participant's rows of the `items` format (columns from `itemColumnSpecs`): one per
 * timepoint instance, in protocol order, with every answer as the code printed on the form: the
 * stored code, or its printed code where the form prints another (BDI-II "1b", PAM-13 "N/A");
 * empty when unanswered or not asked at that timepoint.
 */
export function* itemRows(columns: ColumnSpec[], group: ParticipantGroup, timepointOrder: string[]): Generator<ExportRow> {
  const order = (timepoint: string) => {
    const index = timepointOrder.indexOf(timepoint);
    return index === -1 ? timepointOrder.length : index;
  };
  const items = columns.filter((c) => c.item !== undefined);
  const instances = [...group.instances].sort((a, b) => order(a.timepoint) - order(b.timepoint));
  for (const instance of instances) {
    const row: ExportRow = {
      participant: group.code,
      arm: group.participant?.arm ?? instance.arm,
      ...allocationCells(group.participant),
      timepoint: instance.timepoint,
      status: instance.status,
      completed_at: instance.completedAt ?? null,
      ...participantContext(group.participant, instance),
    };
    for (const { name, printedCodes } of items) {
      const answer = instance.answers?.[name] ?? null;
      row[name] = answer !== null && printedCodes !== undefined ? (printedCodes[String(answer)] ?? answer) : answer;
    }
    yield row;
  }
}
