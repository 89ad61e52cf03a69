// Loaded only on the join page, after the study's screener arrived: SurveyJS and its expression engine.
import 'survey-core/survey-core.fontless.css';
import 'survey-core/i18n/french';
import { useEffect, useState } from 'react';
import { ExpressionRunner, Model } from 'survey-core';
import { Survey } from 'survey-react-ui';
import type { PageLanguage } from './strings';

const theme = {
  cssVariables: {
    '--sjs2-typography-font-family-text': "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
    '--sjs2-color-project-brand-600': '#1d4ed8',
    '--sjs2-color-project-brand-700': '#1e40af',
    '--sjs2-color-project-brand-800': '#1e3a8a',
  },
};

/**
 * The study's eligibility screener. On completion, the eligibility expression is evaluated here
 * with SurveyJS's own engine (the server evaluates the same rule again, and only trusts its own).
 */
export function JoinScreener({
  screener,
  eligibility,
  language,
  next,
  onDone,
}: {
  screener: Record<string, unknown>;
  eligibility: string;
  language: PageLanguage;
  next: string;
  onDone: (answers: Record<string, unknown>, eligible: boolean) => void;
}) {
  const [model] = useState(() => {
    const m = new Model({ ...screener, showCompletedPage: false, completeText: next, showTitle: false });
    m.applyTheme(theme);
    m.locale = language;
    return m;
  });
  useEffect(() => {
    const done = () => onDone({ ...model.data }, new ExpressionRunner(eligibility).runValues({ ...model.data }) === true);
    model.onComplete.add(done);
    return () => model.onComplete.remove(done);
  }, [model, eligibility, onDone]);
  return <Survey model={model} />;
}
