import { percent } from '../../lib/format';
import type { CompletionCell } from '../../lib/types';

/** The chart's numbers, plus what it leaves out (upcoming, cancelled) and the completion rate. */
export function CompletionTable({ cells, armLabel }: { cells: CompletionCell[]; armLabel: (id: string) => string }) {
  return (
    <div className="table-wrap" role="region" aria-labelledby="completion-caption" tabIndex={0}>
      <table>
        <caption id="completion-caption">Completion by arm and timepoint (counts of questionnaires)</caption>
        <thead>
          <tr>
            <th scope="col">Arm · timepoint</th>
            <th scope="col" className="number">
              Completed
            </th>
            <th scope="col" className="number">
              Open
            </th>
            <th scope="col" className="number">
              Expired
            </th>
            <th scope="col" className="number">
              Upcoming
            </th>
            <th scope="col" className="number">
              Cancelled
            </th>
            <th scope="col" className="number">
              Completion rate
            </th>
          </tr>
        </thead>
        <tbody>
          {cells.map((c) => (
            <tr key={`${c.arm}/${c.timepoint}`}>
              <th scope="row">
                {armLabel(c.arm)} · {c.timepoint}
              </th>
              <td className="number">{c.completed}</td>
              <td className="number">{c.open}</td>
              <td className="number">{c.expired}</td>
              <td className="number">{c.upcoming}</td>
              <td className="number">{c.cancelled}</td>
              <td className="number">{percent(c.rate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
