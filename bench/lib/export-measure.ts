/**
 * One measurement of bench/export.ts, in its own process so that its peak RSS is its own (the
 * parent holds dynalite and its tables). Started by the parent with child_process.fork; its
 * argument is a JSON `MeasureInput`; it reports over IPC: `pass-start` / `pass-end` around every
 * pass (so the parent can account its own CPU, i.e. dynalite's, to the pass) and one `result`.
 *
 * - `floor`: the study's instance items read straight from the table with the AWS SDK (a
 *   document client configured as createDb configures the application's): Query
 *   `pk = STUDY#<id> AND begins_with(sk, 'INSTANCE#')`, ConsistentRead, paged with the exporter's
 *   page size, counting the rows the long export would make of them (their scales). Nothing of
 *   functions/ is loaded.
 * - `export`: the real `exportStudy(deps, actor, study, 'long')` on `buildDependencies`, its CSV
 *   body piped into a sink that only counts bytes and lines.
 *
 * Both run `passes` passes; all but the last are an untimed warm-up (JIT, connection pool).
 */
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { summariseProfile, type ProfileSummary } from './export-profile';

export interface MeasureInput {
  mode: 'floor' | 'export';
  endpoint: string;
  region: string;
  research: string;
  contacts: string;
  studyId: string;
  pageSize?: number;
  passes: number;
  profile: boolean;
  profileDir?: string;
  label: string;
}

export interface PassResult {
  timed: boolean;
  seconds: number;
  /** This process's CPU (user + system) during the pass. */
  cpuSeconds: number;
  rows: number;
  instances: number;
  pages: number;
  /** Wall time spent waiting for (and unmarshalling) instance pages. */
  pageWaitSeconds: number;
  /** export only: wall time of the participant list (read whole before the first row). */
  participantsSeconds?: number;
  /** export only: CSV bytes and lines (header included) that reached the sink. */
  bytes?: number;
  lines?: number;
  header?: string;
  /** export only: rows counted by exportStudy's onProgress. */
  progressRows?: number;
}

export interface MeasureResult {
  mode: MeasureInput['mode'];
  passes: PassResult[];
  /** kB, from /proc/self/status at the end: the peak resident set (VmHWM) and the current one. */
  vmHwmKb: number;
  vmRssKb: number;
  /** kB: process.resourceUsage().maxRSS at the end (should agree with VmHWM). */
  maxRssKb: number;
  /** kB: getrusage maxRSS and VmHWM when the script started. */
  atStart: { maxRssKb: number; vmHwmKb: number };
  /** kB: resident set after loading the modules and building the clients, before the first pass. */
  idleRssKb: number;
  /** Peaks of process.memoryUsage(), sampled every 50 ms (bytes). */
  peakHeapUsed: number;
  peakExternal: number;
  peakRss: number;
  profile?: ProfileSummary;
}

type Message = { type: 'pass-start'; pass: number; timed: boolean } | { type: 'pass-end'; pass: number } | { type: 'result'; result: MeasureResult } | { type: 'error'; message: string };

const send = (message: Message) =>
  new Promise<void>((resolve, reject) => process.send!(message, (error: Error | null) => (error ? reject(error) : resolve())));

function status(field: string): number {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return line === undefined ? 0 : Number(line.split(/\s+/)[1]);
}

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

/** Counts bytes and lines; keeps the first line (the header). */
class CountingSink extends Writable {
  bytes = 0;
  lines = 0;
  head = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    if (this.head.length < 4096 && !this.head.includes('\n')) this.head += chunk.subarray(0, 4096).toString('utf8');
    this.bytes += chunk.length;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) this.lines++;
    callback();
  }
}

async function floorPass(doc: DynamoDBDocumentClient, input: MeasureInput, timed: boolean): Promise<PassResult> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  let rows = 0;
  let instances = 0;
  let pages = 0;
  let ExclusiveStartKey: QueryCommandInput['ExclusiveStartKey'];
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: input.research,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `STUDY#${input.studyId}`, ':prefix': 'INSTANCE#' },
        ConsistentRead: true,
        ...(input.pageSize !== undefined ? { Limit: input.pageSize } : {}),
        ExclusiveStartKey,
      }),
    );
    pages++;
    for (const item of page.Items ?? []) {
      instances++;
      for (const score of (item.scores as Array<{ scales: Record<string, unknown> }> | undefined) ?? []) rows += Object.keys(score.scales).length;
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey !== undefined);
  const seconds = (performance.now() - started) / 1000;
  return { timed, seconds, cpuSeconds: cpuSeconds(cpu), rows, instances, pages, pageWaitSeconds: seconds };
}

/** Read first, before anything is loaded: what the process started with. */
const atStart = { maxRssKb: process.resourceUsage().maxRSS, vmHwmKb: status('VmHWM') };

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2]!) as MeasureInput;
  let peakHeapUsed = 0;
  let peakExternal = 0;
  let peakRss = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakHeapUsed = Math.max(peakHeapUsed, m.heapUsed);
    peakExternal = Math.max(peakExternal, m.external);
    peakRss = Math.max(peakRss, m.rss);
  };
  const sampler = setInterval(sample, 50);

  let run: (timed: boolean) => Promise<PassResult>;
  if (input.mode === 'floor') {
    // The client createDb builds (functions/adapters/dynamodb/client.ts), built here so the floor loads nothing of the application.
    const raw = new DynamoDBClient({ region: input.region, endpoint: input.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 5 });
    const doc = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
    run = (timed) => floorPass(doc, input, timed);
  } else {
    const { loadConfig } = await import('../../functions/config');
    const { buildDependencies } = await import('../../functions/dependencies');
    const { exportStudy } = await import('../../functions/use-cases/export-study');
    const config = loadConfig({
      TIMEPOINT_BASE_URL: 'http://localhost:3000',
      RESEARCH_TABLE: input.research,
      CONTACTS_TABLE: input.contacts,
      AWS_REGION: input.region,
      DYNAMODB_ENDPOINT: input.endpoint,
    });
    const deps = buildDependencies(config);
    // Timing wrappers around two repository methods (no change to what they do): the participant
    // list, and each page of instances (DynamoDB round trip + unmarshalling + toInstance).
    const timing = { participants: 0, pageWait: 0, pages: 0, instances: 0 };
    const list = deps.participants.list.bind(deps.participants);
    deps.participants.list = async (studyId) => {
      const t0 = performance.now();
      try {
        return await list(studyId);
      } finally {
        timing.participants += performance.now() - t0;
      }
    };
    const pagesForStudy = deps.instances.pagesForStudy.bind(deps.instances);
    deps.instances.pagesForStudy = async function* (studyId, options) {
      const pages = pagesForStudy(studyId, options)[Symbol.asyncIterator]();
      for (;;) {
        const t0 = performance.now();
        const next = await pages.next();
        timing.pageWait += performance.now() - t0;
        if (next.done) return;
        timing.pages++;
        timing.instances += next.value.length;
        yield next.value;
      }
    };
    run = async (timed) => {
      Object.assign(timing, { participants: 0, pageWait: 0, pages: 0, instances: 0 });
      let progressRows = 0;
      const sink = new CountingSink();
      const cpu = process.cpuUsage();
      const started = performance.now();
      const file = await exportStudy(deps, 'staff:bench@example.org', input.studyId, 'long', {
        ...(input.pageSize !== undefined ? { pageSize: input.pageSize } : {}),
        onProgress: (p) => void (progressRows = p.rows),
      });
      await pipeline(file.body, sink);
      const seconds = (performance.now() - started) / 1000;
      return {
        timed,
        seconds,
        cpuSeconds: cpuSeconds(cpu),
        rows: sink.lines - 1,
        instances: timing.instances,
        pages: timing.pages,
        pageWaitSeconds: timing.pageWait / 1000,
        participantsSeconds: timing.participants / 1000,
        bytes: sink.bytes,
        lines: sink.lines,
        header: sink.head.split('\n')[0]!,
        progressRows,
      };
    };
  }

  sample();
  const idleRssKb = status('VmRSS');
  const passes: PassResult[] = [];
  let profile: ProfileSummary | undefined;
  for (let pass = 1; pass <= input.passes; pass++) {
    const timed = pass === input.passes;
    const session = timed && input.profile ? new Session() : null;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
    }
    await send({ type: 'pass-start', pass, timed });
    passes.push(await run(timed));
    await send({ type: 'pass-end', pass });
    if (session) {
      const { profile: p } = (await session.post('Profiler.stop')) as unknown as { profile: Parameters<typeof summariseProfile>[0] };
      session.disconnect();
      profile = summariseProfile(p, input.profileDir ? { dir: input.profileDir, name: `${input.label}.cpuprofile` } : undefined);
    }
  }
  clearInterval(sampler);
  sample();
  await send({
    type: 'result',
    result: {
      mode: input.mode,
      passes,
      vmHwmKb: status('VmHWM'),
      vmRssKb: status('VmRSS'),
      maxRssKb: process.resourceUsage().maxRSS,
      idleRssKb,
      atStart,
      peakHeapUsed,
      peakExternal,
      peakRss,
      ...(profile ? { profile } : {}),
    },
  });
  process.disconnect();
}

main().catch(async (error: unknown) => {
  await send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }).catch(() => {});
  process.exit(1);
});
