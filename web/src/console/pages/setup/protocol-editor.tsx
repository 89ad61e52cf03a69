import type { Arm, InstrumentInfo } from '../../lib/types';
import { blankTimepoint, type TimepointDraft } from './drafts';
import { TimepointEditor } from './timepoint-editor';

/** The errors of timepoint `i`, keyed by the field inside it. */
function timepointErrors(errors: Record<string, string>, prefix: string, i: number): Record<string, string> {
  const head = `${prefix}.${i}.`;
  return Object.fromEntries(Object.entries(errors).flatMap(([k, v]) => (k.startsWith(head) ? [[k.slice(head.length), v]] : [])));
}

/** Maps an API field (`protocol.timepoints.1.window.closesDaysAfter`) to its input id, for error summaries. */
export function protocolInputFor(idPrefix: string, prefix: string) {
  return (field: string): string | undefined => {
    if (!field.startsWith(`${prefix}.`)) return undefined;
    const [index, name, sub] = field.slice(prefix.length + 1).split('.');
    if (index === undefined || name === undefined) return undefined;
    const input = name === 'window' ? sub : name;
    return `${idPrefix}-tp-${index}-${input}`;
  };
}

export function ProtocolEditor({
  idPrefix,
  drafts,
  onChange,
  arms,
  instruments,
  errors,
  errorPrefix = 'protocol.timepoints',
}: {
  idPrefix: string;
  drafts: TimepointDraft[];
  onChange: (drafts: TimepointDraft[]) => void;
  arms: Arm[];
  instruments: InstrumentInfo[];
  errors: Record<string, string>;
  errorPrefix?: string;
}) {
  const general = errors[errorPrefix] ?? errors.protocol;
  return (
    <div className="protocol-editor">
      {general && <p className="field-error">{general}</p>}
      {drafts.map((draft, i) => (
        <TimepointEditor
          key={draft.key}
          idPrefix={idPrefix}
          index={i}
          draft={draft}
          others={drafts.filter((_, j) => j !== i).map((d) => d.id)}
          arms={arms}
          instruments={instruments}
          errors={timepointErrors(errors, errorPrefix, i)}
          onChange={(next) => onChange(drafts.map((d, j) => (j === i ? next : d)))}
          onRemove={drafts.length > 1 ? () => onChange(drafts.filter((_, j) => j !== i)) : undefined}
        />
      ))}
      <button type="button" className="secondary" onClick={() => onChange([...drafts, blankTimepoint(arms.map((a) => a.id), drafts)])}>
        Add a timepoint
      </button>
    </div>
  );
}
