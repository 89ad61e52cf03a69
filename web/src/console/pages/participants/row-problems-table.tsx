/** A CSV row that was refused: its number (the header is line 1), the column at fault if one is, and why. */
export interface RowProblem {
  row: number;
  column?: string | undefined;
  message: string;
}

/** The rows of an imported file that were refused, by row: the same table for the check and for the import's result. */
export function RowProblemsTable({ problems, caption, captionId }: { problems: RowProblem[]; caption: string; captionId: string }) {
  return (
    <div className="table-wrap" role="region" aria-labelledby={captionId} tabIndex={0}>
      <table>
        <caption id={captionId}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Row</th>
            <th scope="col">Column</th>
            <th scope="col">Problem</th>
          </tr>
        </thead>
        <tbody>
          {problems.map((p, i) => (
            <tr key={i}>
              <td>
                {p.row} <span className="muted">(line {p.row + 1})</span>
              </td>
              <td>{p.column ? <code>{p.column}</code> : null}</td>
              <td>{p.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
