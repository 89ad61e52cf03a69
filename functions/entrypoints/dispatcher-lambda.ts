import { preloadSesClient } from '../adapters/ses/ses-mailer';
import { loadConfig } from '../config';
import { buildDependencies } from '../dependencies';
import { runDispatch } from '../use-cases/dispatch';

const deps = buildDependencies(loadConfig(process.env));
// Nearly every pass sends: the SES client is loaded with the function, not on a pass's first send.
await preloadSesClient();

/** The dispatcher Lambda, invoked every minute by an EventBridge schedule. */
export const handler = async () => {
  const report = await runDispatch(deps);
  console.log(JSON.stringify({ level: 'info', msg: 'dispatch finished', ...report }));
  return report;
};
