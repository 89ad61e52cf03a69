import { SelectField, TextField } from '../../components/field';
import type { Arm, InstrumentInfo } from '../../lib/types';
import { BatteryPicker } from './battery-picker';
import { errorAt, type TimepointDraft } from './drafts';

/** One timepoint: when it falls due, its window and reminders, who gets it, and its battery. */
export function TimepointEditor({
  idPrefix,
  index,
  draft,
  others,
  arms,
  instruments,
  errors,
  onChange,
  onRemove,
}: {
  idPrefix: string;
  index: number;
  draft: TimepointDraft;
  /** Ids of the other timepoints (possible anchors). */
  others: string[];
  arms: Arm[];
  instruments: InstrumentInfo[];
  /** Errors keyed by the field inside this timepoint (`sendAt`, `window.closesDaysAfter` …). */
  errors: Record<string, string>;
  onChange: (draft: TimepointDraft) => void;
  onRemove?: (() => void) | undefined;
}) {
  const id = (field: string) => `${idPrefix}-tp-${index}-${field}`;
  const set = (change: Partial<TimepointDraft>) => onChange({ ...draft, ...change });
  const anchorValue = draft.anchorKind === 'completed' ? `completed:${draft.anchorRef}` : draft.anchorKind;
  const title = draft.label || draft.id || `Timepoint ${index + 1}`;
  return (
    <fieldset className="timepoint-editor">
      <legend>
        Timepoint {index + 1}: {title}
      </legend>
      <div className="grid-3">
        <TextField id={id('id')} label="Id" hint="lower-case, e.g. week8" value={draft.id} error={errors.id} onChange={(e) => set({ id: e.target.value })} />
        <TextField id={id('label')} label="Label" hint="As participants read it" value={draft.label} error={errors.label} onChange={(e) => set({ label: e.target.value })} />
        <SelectField
          id={id('anchor')}
          label="Counted from"
          value={anchorValue}
          error={errors.anchor}
          onChange={(e) => {
            const v = e.target.value;
            if (v === 'enrollment') set({ anchorKind: 'enrollment', anchorRef: '' });
            else if (v === 'date') set({ anchorKind: 'date', anchorRef: draft.anchorKind === 'date' ? draft.anchorRef : '' });
            else set({ anchorKind: 'completed', anchorRef: v.slice('completed:'.length) });
          }}
        >
          <option value="enrollment">Enrolment</option>
          {others
            .filter((o) => o !== '')
            .map((o) => (
              <option key={o} value={`completed:${o}`}>
                Completion of {o}
              </option>
            ))}
          <option value="date">A date on the participant record</option>
        </SelectField>
        {draft.anchorKind === 'date' && (
          <TextField id={id('anchor-date')} label="Participant date field" hint="e.g. surgery" value={draft.anchorRef} onChange={(e) => set({ anchorRef: e.target.value })} />
        )}
        <TextField id={id('offsetDays')} label="Days after" hint="0 = that day; 56 = week 8" inputMode="numeric" value={draft.offsetDays} error={errors.offsetDays} onChange={(e) => set({ offsetDays: e.target.value })} />
        <TextField id={id('sendAt')} label="Send at (participant's local time)" type="time" value={draft.sendAt} error={errors.sendAt} onChange={(e) => set({ sendAt: e.target.value })} />
        <TextField
          id={id('opensDaysBefore')}
          label="Window opens (days before due)"
          inputMode="numeric"
          value={draft.opensDaysBefore}
          error={errorAt(errors, 'window.opensDaysBefore')}
          onChange={(e) => set({ opensDaysBefore: e.target.value })}
        />
        <TextField
          id={id('closesDaysAfter')}
          label="Window closes (days after due)"
          inputMode="numeric"
          value={draft.closesDaysAfter}
          error={errorAt(errors, 'window.closesDaysAfter') ?? errors.window}
          onChange={(e) => set({ closesDaysAfter: e.target.value })}
        />
        <TextField id={id('reminders')} label="Reminders (days after due)" hint="Comma-separated, e.g. 2, 5; empty for none" value={draft.reminders} error={errorAt(errors, 'reminders')} onChange={(e) => set({ reminders: e.target.value })} />
      </div>
      <fieldset id={id('arms')} className={errorAt(errors, 'arms') ? 'has-error' : undefined}>
        <legend>Arms that get it</legend>
        {errorAt(errors, 'arms') && <p className="field-error">{errorAt(errors, 'arms')}</p>}
        {arms.map((arm) => (
          <div className="check" key={arm.id}>
            <input
              id={id(`arm-${arm.id}`)}
              type="checkbox"
              checked={draft.arms.includes(arm.id)}
              onChange={(e) => set({ arms: e.target.checked ? [...draft.arms, arm.id] : draft.arms.filter((a) => a !== arm.id) })}
            />
            <label htmlFor={id(`arm-${arm.id}`)}>
              {arm.label || arm.id} <span className="muted">({arm.id})</span>
            </label>
          </div>
        ))}
      </fieldset>
      <BatteryPicker id={id('instruments')} label="Battery (in order)" battery={draft.instruments} instruments={instruments} error={errorAt(errors, 'instruments')} onChange={(instruments) => set({ instruments })} />
      {onRemove && (
        <div className="actions">
          <button type="button" className="secondary small" onClick={onRemove}>
            Remove timepoint {title}
          </button>
        </div>
      )}
    </fieldset>
  );
}
