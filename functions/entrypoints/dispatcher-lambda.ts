import { loadConfig } from '../config';
import { buildDependencies } from '../dependencies';
import { runDispatch } from '../use-cases/dispatch';

const deps = buildDependencies(loadConfig(process.env));

/** The dispatcher Lambda, invoked every minute by an EventBridge schedule. */
export const handler = async () => {
  const report = await runDispatch(deps);
  console.log(JSON.stringify({ level: 'info', msg: 'dispatch finished', ...report }));
  return report;
};
