import { useState } from 'react';
import { SelectField } from '../../components/field';
import type { Study } from '../../lib/types';

/**
 * Opens a timepoint's questionnaires exactly as a participant sees them, in a new tab, under a
 * "Preview — answers are not saved" banner: no one is enrolled, nothing is stored or sent, and
 * submitting shows the scores and any safety alert that would fire.
 */
export function TimepointPreview({ study }: { study: Pick<Study, 'id' | 'arms' | 'protocol'> }) {
  const timepoints = study.protocol.timepoints;
  const [timepoint, setTimepoint] = useState(timepoints[0]?.id ?? '');
  const arms = timepoints.find((t) => t.id === timepoint)?.arms ?? [];
  const [arm, setArm] = useState(arms[0] ?? '');
  const [language, setLanguage] = useState('en');
  const chosenArm = arms.includes(arm) ? arm : (arms[0] ?? '');
  const href = `/preview/${encodeURIComponent(study.id)}?${new URLSearchParams({ timepoint, arm: chosenArm, language }).toString()}`;
  return (
    <section className="card" aria-labelledby="preview-heading">
      <h2 id="preview-heading">Preview a timepoint</h2>
      <p className="hint">
        See what a participant sees, without enrolling anyone: the questionnaires open in a new tab under a &quot;Preview&quot; banner. Answers are not saved; submitting shows the scores and any
        safety alert that would fire, without sending it.
      </p>
      <div className="grid-3">
        <SelectField id="preview-timepoint" label="Timepoint" value={timepoint} onChange={(e) => setTimepoint(e.target.value)}>
          {timepoints.map((t) => (
            <option key={t.id} value={t.id}>
              {t.label} ({t.id})
            </option>
          ))}
        </SelectField>
        <SelectField id="preview-arm" label="Arm" value={chosenArm} onChange={(e) => setArm(e.target.value)}>
          {arms.map((id) => (
            <option key={id} value={id}>
              {study.arms.find((a) => a.id === id)?.label ?? id} ({id})
            </option>
          ))}
        </SelectField>
        <SelectField id="preview-language" label="Participant language" value={language} onChange={(e) => setLanguage(e.target.value)}>
          <option value="en">English</option>
          <option value="fr">French (français)</option>
        </SelectField>
      </div>
      <div className="actions">
        <a className="button" href={href} target="_blank" rel="noreferrer">
          Open the preview
        </a>
      </div>
    </section>
  );
}
