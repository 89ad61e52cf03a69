/**
 * The floor of bench/participant-page.ts: the least a page can do to show the participant's battery
 * with SurveyJS — fetch the survey JSON, `new Model(json)`, render `<Survey>` with survey-core's
 * default theme. Nothing else (no header, no error states, no submit handler).
 *
 * The JSON is not bundled (that would count survey text as JavaScript): by default the benchmark
 * embeds it in the built page as a JSON data block (no extra round trip: the fastest a page can
 * have its survey); with `--floor-json fetch` it is fetched from `survey.json` next to the page,
 * as Timepoint's page fetches its battery. The fontless variant of the default theme is used
 * because survey-core.css loads Open Sans from fonts.gstatic.com, which neither an offline
 * machine nor Timepoint's CSP allows (fonts are not JavaScript, and Timepoint uses it too).
 */
import 'survey-core/survey-core.fontless.css';
import { createRoot } from 'react-dom/client';
import { Model } from 'survey-core';
import { Survey } from 'survey-react-ui';

const embedded = document.getElementById('survey-json')?.textContent;
const json: Promise<object> = embedded ? Promise.resolve(JSON.parse(embedded) as object) : fetch('./survey.json').then((r) => r.json() as Promise<object>);
void json.then((survey) => {
  createRoot(document.getElementById('root')!).render(<Survey model={new Model(survey)} />);
});
