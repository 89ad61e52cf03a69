import type { Answers, SurveyView } from './link-api';

type SurveyPage = Record<string, unknown> & { name?: unknown };

export interface BatteryJson {
  json: Record<string, unknown>;
  /** Page name → the 0-based index of the questionnaire it belongs to. */
  questionnaireOf: Record<string, number>;
}

/**
 * One SurveyJS form for the whole battery: each instrument's pages in protocol order, its title
 * on its first page, one progress bar. Page names are prefixed with the instrument id, so two
 * instruments' pages never collide and the progress line can tell which questionnaire a page is in.
 */
export function batteryJson(view: SurveyView, completeText: string): BatteryJson {
  const questionnaireOf: Record<string, number> = {};
  const pages = view.instruments.flatMap((instrument, index) => {
    const survey = instrument.survey as { title?: unknown; description?: unknown; pages?: SurveyPage[] };
    return (survey.pages ?? []).map((page, i) => {
      const name = `${instrument.id}__${String(page.name ?? i)}`;
      questionnaireOf[name] = index;
      return {
        ...page,
        name,
        ...(i === 0 ? { title: survey.title ?? instrument.name, description: survey.description } : {}),
      };
    });
  });
  return {
    questionnaireOf,
    json: {
      pages,
      showProgressBar: true,
      progressBarType: 'pages',
      showQuestionNumbers: 'off',
      questionErrorLocation: 'bottom',
      completeText,
      showCompletedPage: false,
      // Saved answers from another device must not vanish because a question is hidden for now.
      clearInvisibleValues: 'onComplete',
    },
  };
}

/** The answers the server would accept as a save: only what the form holds, nothing undefined. */
export const cleanAnswers = (data: Answers): Answers => Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
