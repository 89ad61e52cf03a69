import { TextField } from '../../components/field';
import { errorAt, newKey, type ArmDraft } from './drafts';

/** The study's arms: id (used in CSVs and exports) and label. An arm with participants can't be removed (the server says so). */
export function ArmsEditor({ idPrefix, arms, onChange, errors }: { idPrefix: string; arms: ArmDraft[]; onChange: (arms: ArmDraft[]) => void; errors: Record<string, string> }) {
  const update = (i: number, change: Partial<ArmDraft>) => onChange(arms.map((a, j) => (j === i ? { ...a, ...change } : a)));
  return (
    <fieldset id={`${idPrefix}-arms`}>
      <legend>Arms</legend>
      {errors.arms && <p className="field-error">{errors.arms}</p>}
      {arms.map((arm, i) => (
        <div className="row-editor" key={arm.key}>
          <TextField id={`${idPrefix}-arm-${i}-id`} label={`Arm ${i + 1} id`} hint="lower-case, e.g. mbpm" value={arm.id} error={errorAt(errors, `arms.${i}.id`)} onChange={(e) => update(i, { id: e.target.value })} />
          <TextField id={`${idPrefix}-arm-${i}-label`} label={`Arm ${i + 1} label`} value={arm.label} error={errorAt(errors, `arms.${i}.label`)} onChange={(e) => update(i, { label: e.target.value })} />
          <button type="button" className="secondary small" disabled={arms.length === 1} onClick={() => onChange(arms.filter((_, j) => j !== i))}>
            Remove arm {i + 1}
          </button>
        </div>
      ))}
      <button type="button" className="secondary small" onClick={() => onChange([...arms, { key: newKey(), id: '', label: '' }])}>
        Add an arm
      </button>
    </fieldset>
  );
}
