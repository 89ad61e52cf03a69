import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DateTime } from 'luxon';
import { isIanaZone } from '../../functions/core/study/time-zone';
import type { Study } from '../../functions/core/study/study';
import { demoStudies } from '../../functions/demo/demo-study';
import { fail } from './fail';

/** An ISO date (then at `defaultTime` local) or date-time (local unless it has an offset), as a UTC ISO instant. */
function instant(value: string, zone: string, defaultTime: string, option: string): string {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T${defaultTime}` : value;
  const parsed = DateTime.fromISO(text, { zone, setZone: false });
  if (!parsed.isValid) fail(`${option}: not an ISO 8601 date or date-time: ${value}`);
  return parsed.toUTC().toISO()!;
}

/**
 * The study definition the platform itself would use: the one in the deployment (RESEARCH_TABLE)
 * or the local data (the running platform, else the data folder) when it has the study; the
 * built-in demo definition only when there is no such study there. Says which, and never leaves
 * a reading error unexplained.
 */
async function studyToSimulate(opts: { study: string; dataDir: string; dynamodbPort: string }): Promise<{ study: Study; source: string }> {
  const builtIn = demoStudies.find((s) => s.id === opts.study) ?? null;
  let missingFrom: string;
  if (process.env.RESEARCH_TABLE || existsSync(opts.dataDir)) {
    const { connectToData } = await import('../local/data-connection');
    let found: { study: Study | null; ids: string[]; where: string };
    try {
      const data = await connectToData({ dataDir: opts.dataDir, dynamoPort: Number(opts.dynamodbPort), command: 'timepoint simulate' });
      try {
        const study = await data.deps.studies.get(opts.study);
        found = { study, ids: study === null ? (await data.deps.studies.list()).map((s) => s.id) : [], where: data.where.replace(/ \(.*\)$/, '') };
      } finally {
        await data.close();
      }
    } catch (error) {
      fail(`could not read the study from ${process.env.RESEARCH_TABLE ? 'the deployment' : resolve(opts.dataDir)}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (found.study !== null) return { study: found.study, source: found.where };
    missingFrom = `${found.where}, which has ${found.ids.length === 0 ? 'no studies' : `only ${found.ids.join(', ')}`}`;
  } else {
    missingFrom = `no data folder at ${resolve(opts.dataDir)}`;
  }
  if (builtIn === null) fail(`--study: no study "${opts.study}" (${missingFrom})`);
  return { study: builtIn, source: `the built-in demo definition (${missingFrom.startsWith('no data') ? missingFrom : `not in ${missingFrom}`})` };
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description("Preview a participant's schedule: the real planner and dispatcher on a virtual clock, sending no mail.")
    .requiredOption('--study <id>', "the study: its definition in the deployment or the local data (what the platform uses); the built-in demo definitions only where there is no such study")
    .requiredOption('--arm <arm>', 'the arm to enrol in')
    .requiredOption('--enrolled <ISO>', 'enrolment date (taken as 09:00 local) or date-time')
    .option('--tz <zone>', "the participant's IANA time zone (default: the study's)")
    .option('--complete <timepoint@ISO>', 'complete a timepoint at that local date-time (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
    .requiredOption('--until <ISO>', 'simulate until the end of this date (or this date-time)')
    .option('--json', 'JSON Lines: {"at","kind","timepoint","n","status","reason"} per event')
    .option('--data-dir <dir>', 'local data folder (env TIMEPOINT_DATA_DIR)', process.env.TIMEPOINT_DATA_DIR ?? '.data')
    .option('--dynamodb-port <n>', 'DynamoDB port of a running local platform', process.env.DYNAMODB_PORT ?? '4567')
    .addHelpText(
      'after',
      `
Example: what a course participant in Chicago gets if they finish baseline on day 3 and ignore week 8:
  npx timepoint simulate --study demo --arm mbpm --tz America/Chicago --enrolled 2026-03-02 \\
    --complete baseline@2026-03-05T20:00 --until 2026-05-15

Times print in the participant's zone with its UTC offset, so daylight-saving changes are visible.`,
    )
    .action(async (opts: { study: string; arm: string; enrolled: string; tz?: string; complete: string[]; until: string; json?: boolean; dataDir: string; dynamodbPort: string }) => {
      const { study, source } = await studyToSimulate(opts);
      if (!study.arms.some((a) => a.id === opts.arm)) fail(`--arm: unknown arm "${opts.arm}" (this study has: ${study.arms.map((a) => a.id).join(', ')})`);
      const zone = opts.tz ?? study.timezone;
      if (!isIanaZone(zone)) fail(`--tz: not an IANA time zone: ${zone}`);
      const completions = opts.complete.map((c) => {
        const [timepoint, at] = c.split('@');
        if (!timepoint || !at) fail(`--complete: expected <timepoint>@<ISO date-time>, got ${c}`);
        if (!study!.protocol.timepoints.some((t) => t.id === timepoint)) fail(`--complete: unknown timepoint "${timepoint}"`);
        return { timepoint, at: instant(at, zone, '12:00', '--complete') };
      });
      const { simulate } = await import('../local/simulate');
      let events: Awaited<ReturnType<typeof simulate>>;
      try {
        events = await simulate({
          study,
          arm: opts.arm,
          timezone: zone,
          enrolledAt: instant(opts.enrolled, zone, '09:00', '--enrolled'),
          completions,
          until: instant(opts.until, zone, '23:59:59.999', '--until'),
        });
      } catch (error) {
        fail(`the simulation could not run: ${error instanceof Error ? error.message : String(error)}`);
      }
      const said = `Study "${study.id}" (protocol version ${study.protocol.version}) from ${source}.`;
      if (opts.json) {
        // Standard output stays JSON Lines; where the study came from goes to standard error.
        process.stderr.write(`${said}\n`);
        process.stdout.write(events.map((e) => JSON.stringify(e)).join('\n') + (events.length ? '\n' : ''));
        return;
      }
      process.stdout.write(`${said}\n${study.name}: a participant in arm ${opts.arm}, time zone ${zone}\n\n`);
      for (const e of events) {
        const what = `${e.kind}${e.n ? ` ${e.n}` : ''}`.padEnd(11);
        const status = e.status && e.status !== 'sent' ? ` — ${e.status}${e.reason ? `: ${e.reason}` : ''}` : '';
        process.stdout.write(`${e.at.replace('T', ' ').replace(/\.\d{3}/, '')}  ${what} ${e.timepoint}${status}\n`);
      }
    });
}
