import { useState } from 'react';
import type { BatteryEntry, InstrumentInfo } from '../../lib/types';

const key = (i: BatteryEntry) => `${i.id}@${i.version}`;

/** An ordered battery picked from the installed instruments, each pinned to its version. */
export function BatteryPicker({
  id,
  label,
  battery,
  instruments,
  onChange,
  error,
}: {
  id: string;
  label: string;
  battery: BatteryEntry[];
  instruments: InstrumentInfo[];
  onChange: (battery: BatteryEntry[]) => void;
  error?: string | undefined;
}) {
  const available = instruments.filter((i) => !battery.some((b) => key(b) === key(i)));
  // Usable instruments first; those whose wording is not installed last, marked (their invitations would be held).
  const ready = available.filter((i) => i.textInstalled);
  const waiting = available.filter((i) => !i.textInstalled);
  const [choice, setChoice] = useState('');
  const info = (entry: BatteryEntry) => instruments.find((i) => key(i) === key(entry));
  const move = (from: number, to: number) => {
    const next = [...battery];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item!);
    onChange(next);
  };
  return (
    <fieldset id={id} className={error ? 'has-error' : undefined}>
      <legend>{label}</legend>
      {error && <p className="field-error">{error}</p>}
      {battery.length === 0 ? (
        <p className="empty">No instruments yet: add at least one.</p>
      ) : (
        <ol className="battery">
          {battery.map((entry, i) => {
            const about = info(entry);
            const name = about?.name ?? entry.id;
            return (
              <li key={key(entry)}>
                <span>
                  <strong>{name}</strong> <span className="muted">({key(entry)})</span>
                  {about && (
                    <span className={about.textInstalled ? 'muted' : 'text-bad'}>
                      {' '}
                      · {about.textIncluded ? 'wording ships' : about.textInstalled ? 'licensed wording loaded' : 'wording not installed: invitations will be held'} · {about.licence.category}
                    </span>
                  )}
                  {!about && <span className="text-bad"> · not installed</span>}
                </span>
                <span className="button-row">
                  <button type="button" className="secondary small" aria-label={`Move ${name} up`} disabled={i === 0} onClick={() => move(i, i - 1)}>
                    ↑
                  </button>
                  <button type="button" className="secondary small" aria-label={`Move ${name} down`} disabled={i === battery.length - 1} onClick={() => move(i, i + 1)}>
                    ↓
                  </button>
                  <button type="button" className="secondary small" aria-label={`Remove ${name}`} onClick={() => onChange(battery.filter((_, j) => j !== i))}>
                    Remove
                  </button>
                </span>
              </li>
            );
          })}
        </ol>
      )}
      <div className="inline-add">
        <label htmlFor={`${id}-add`}>Add an instrument</label>
        <select id={`${id}-add`} value={choice} onChange={(e) => setChoice(e.target.value)}>
          <option value="">Choose…</option>
          <optgroup label="Ready to use">
            {ready.map((i) => (
              <option key={key(i)} value={key(i)}>
                {i.name} ({key(i)}){i.textIncluded ? '' : ' — licensed wording loaded'}
              </option>
            ))}
          </optgroup>
          {waiting.length > 0 && (
            <optgroup label="Wording not installed (load it first)">
              {waiting.map((i) => (
                <option key={key(i)} value={key(i)}>
                  {i.name} ({key(i)}) — wording not installed
                </option>
              ))}
            </optgroup>
          )}
        </select>
        <button
          type="button"
          className="secondary small"
          disabled={choice === ''}
          onClick={() => {
            const picked = instruments.find((i) => key(i) === choice);
            if (picked) onChange([...battery, { id: picked.id, version: picked.version }]);
            setChoice('');
          }}
        >
          Add
        </button>
      </div>
    </fieldset>
  );
}
