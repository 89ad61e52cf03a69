// Loaded only when there is a form to show (import() from the link page): state pages never
// download or parse SurveyJS.
import 'survey-core/survey-core.fontless.css';
import 'survey-core/i18n/french';
import { useEffect, useRef, useState } from 'react';
import { Model, ProgressButtons, type PageModel } from 'survey-core';
import { Survey } from 'survey-react-ui';
import { batteryJson, cleanAnswers } from './battery';
import type { SurveyView } from './link-api';
import type { FormSaver, SubmitOutcome } from './progress-saver';
import type { PageLanguage, PageStrings } from './strings';

interface Props {
  view: SurveyView;
  saver: FormSaver;
  strings: PageStrings;
  language: PageLanguage;
  onFinished: (outcome: SubmitOutcome) => void;
}

/**
 * The page stepper ticks a page as done once it has been shown, so the page being answered is
 * ticked before anything on it is: a step early. Here a page is ticked once the participant has
 * moved past it (or, ahead of them, when it already holds answers from another device).
 */
ProgressButtons.prototype.isListElementPassed = function isListElementPassed(this: ProgressButtons, index: number) {
  const survey = this.survey as unknown as Model;
  const page = survey.visiblePages[index];
  if (page === undefined || index === survey.currentPageNo) return false;
  return index < survey.currentPageNo ? page.wasShown || page.hasValueAnyQuestion(false, false) : page.hasValueAnyQuestion(false, false);
};

/** Where the participant is resumed: the first page with a required question still unanswered. */
function resumePage(model: Model): PageModel | undefined {
  return model.visiblePages.find((page) => page.questions.some((q) => q.isVisible && q.isRequired && q.isEmpty())) ?? model.visiblePages.at(-1);
}

/**
 * SurveyJS's default theme names a web font (Open Sans) and a light green that white text fails
 * contrast on: use the page's system font stack and its blue instead (nothing fetched from elsewhere).
 */
const theme = {
  cssVariables: {
    '--sjs2-typography-font-family-text': "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
    '--sjs2-color-project-brand-600': '#1d4ed8',
    '--sjs2-color-project-brand-700': '#1e40af',
    '--sjs2-color-project-brand-800': '#1e3a8a',
  },
};

function buildModel(view: SurveyView, saver: FormSaver, strings: PageStrings, language: PageLanguage) {
  const { json, questionnaireOf } = batteryJson(view, strings.submit);
  const model = new Model(json);
  model.applyTheme(theme);
  model.locale = language;
  // Scale anchors above and below the numbers: beside them, they squeeze a 0–10 scale on a phone.
  for (const question of model.getAllQuestions()) {
    if (question.getType() === 'rating') question.setPropertyValue('rateDescriptionLocation', 'topBottom');
  }
  model.data = saver.answers;
  const resume = resumePage(model);
  if (resume) model.currentPage = resume;
  return { model, questionnaireOf };
}

export function QuestionnaireForm({ view, saver, strings, language, onFinished }: Props) {
  const [{ model, questionnaireOf }] = useState(() => buildModel(view, saver, strings, language));
  const place = () => ({
    questionnaire: (questionnaireOf[model.currentPage?.name ?? ''] ?? 0) + 1,
    page: model.currentPageNo + 1,
    pages: model.visiblePageCount,
  });
  const [position, setPosition] = useState(place);
  const progressHeading = useRef<HTMLHeadingElement>(null);
  const finished = useRef(onFinished);
  finished.current = onFinished;

  useEffect(() => {
    const changed = () => saver.change(cleanAnswers(model.data));
    const pageChanged = () => {
      saver.flushNow();
      setPosition(place());
      // A keyboard or screen-reader user starts the new page at its top, told where they are.
      progressHeading.current?.focus();
    };
    const submit = (_: Model, options: { errors: Record<string, string>; complete: () => void }) => {
      if (!model.isLastPage) return options.complete();
      void saver.submit(cleanAnswers(model.data)).then((outcome) => {
        if (outcome.kind === 'invalid') {
          for (const d of outcome.details) options.errors[d.field.replace(/^answers\./, '')] = d.message;
          if (outcome.details.length === 0) {
            const first = model.currentPage.questions[0]?.name;
            if (first) options.errors[first] = strings.submitFailed;
          }
          return options.complete();
        }
        options.complete();
        finished.current(outcome);
      });
    };
    model.onValueChanged.add(changed);
    model.onCurrentPageChanged.add(pageChanged);
    model.onServerValidateQuestions.add(submit);
    return () => {
      model.onValueChanged.remove(changed);
      model.onCurrentPageChanged.remove(pageChanged);
      model.onServerValidateQuestions.remove(submit);
    };
    // The model lives as long as this component; its handlers need binding once.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [model, saver]);

  return (
    <>
      <h2 className="progress-line" tabIndex={-1} ref={progressHeading}>
        {strings.progress(position.questionnaire, view.instruments.length, position.page, position.pages)}
      </h2>
      <Survey model={model} />
    </>
  );
}
