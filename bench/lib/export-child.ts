/**
 * One measurement of bench/export-memory.ts, in a fresh process of its own so that its peak
 * resident set is the exporter's alone (nothing else runs in it). Bundled by the
 * parent with the functions' esbuild options and run with their Node options. argv[2] is a JSON
 * `ChildInput`; the result is one JSON line on stdout.
 *
 * - `read`, the baseline: the study's instance items read page by page with the AWS SDK, as the
 *   exporter reads them, and dropped; no application code is loaded.
 * - `stream`: the export use case (`exportStudy`) piped into a sink that only counts: what the
 *   command line does, and what a streamed response would hold.
 * - `lambda`: what serves an export in AWS, the deployed export bundle's streaming handler
 *   (functions/entrypoints/export-lambda.ts) answering GET /api/studies/:id/export with a staff
 *   bearer token, as its function URL invokes it (bench/lib/lambda-streaming.ts: the runtime's
 *   `awslambda` global and a response stream read with backpressure, the body counted, not kept).
 */
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface ChildInput {
  mode: 'read' | 'stream' | 'lambda';
  env: Record<string, string>;
  studyId: string;
  /** lambda: the bundle's index.mjs and the bearer token. */
  bundle?: string;
  token?: string;
}

export interface ChildResult {
  /** Bytes: the largest of the kernel's high-water mark and the resident set sampled every 20 ms. */
  peakRss: number;
  /** Bytes: resident set once the modules are loaded, before the export. */
  idleRss: number;
  /** Rows (CSV lines after the header; read: instances) and bytes of the export. */
  rows: number;
  bytes: number;
  /** lambda: the writes into the response stream that carried those bytes (0 otherwise). */
  chunks: number;
  status: number;
  ms: number;
  /** Bytes, the largest sampled (every 20 ms): V8's heap in use and reserved, and memory outside it (`external`, of which `arrayBuffers`: Buffers and web-stream chunks). */
  peakHeapUsed: number;
  peakHeapTotal: number;
  peakExternal: number;
  peakArrayBuffers: number;
}

const statusKb = (field: string) => Number(/\d+/.exec(readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(`${field}:`)) ?? '0')?.[0] ?? 0) * 1024;

const lines = (chunk: Buffer | string) => {
  let n = 0;
  const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  for (let at = b.indexOf(10); at !== -1; at = b.indexOf(10, at + 1)) n++;
  return n;
};

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2]!) as ChildInput;
  Object.assign(process.env, input.env);
  const peak = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
  const sample = () => {
    const usage = process.memoryUsage();
    for (const key of Object.keys(peak) as Array<keyof typeof peak>) peak[key] = Math.max(peak[key], usage[key]);
  };
  const sampler = setInterval(sample, 20);
  let run: () => Promise<{ rows: number; bytes: number; chunks?: number; status: number }>;
  if (input.mode === 'read') {
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const { DynamoDBDocumentClient, QueryCommand } = await import('@aws-sdk/lib-dynamodb');
    // The client createDb builds (functions/adapters/dynamodb/client.ts).
    const doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: input.env.AWS_REGION, endpoint: input.env.DYNAMODB_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 5 }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    run = async () => {
      let rows = 0;
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: input.env.RESEARCH_TABLE,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': `STUDY#${input.studyId}`, ':prefix': 'INSTANCE#' },
            ConsistentRead: true,
            ExclusiveStartKey,
          }),
        );
        rows += page.Items?.length ?? 0;
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey !== undefined);
      return { rows, bytes: 0, status: 200 };
    };
  } else if (input.mode === 'stream') {
    const { loadConfig } = await import('../../functions/config');
    const { buildDependencies } = await import('../../functions/dependencies');
    const { exportStudy } = await import('../../functions/use-cases/export-study');
    const deps = buildDependencies(loadConfig(process.env));
    run = async () => {
      let bytes = 0;
      let count = 0;
      const file = await exportStudy(deps, 'staff:analyst@example.org', input.studyId, 'long');
      await pipeline(file.body, new Writable({ write: (chunk: Buffer, _e, done) => ((bytes += chunk.length), (count += lines(chunk)), done()) }));
      return { rows: count - 1, bytes, status: 200 };
    };
  } else {
    const { installLambdaStreamingRuntime, invokeStreaming } = await import('./lambda-streaming');
    const { FORWARDED_AUTHORIZATION_HEADER } = await import('../../functions/http/edge-headers');
    installLambdaStreamingRuntime();
    const { handler } = (await import(input.bundle!)) as { handler: unknown };
    const { apiEvent } = await import('./lambda-event');
    run = async () => {
      // As the export behaviour's CloudFront function forwards it: the bearer token moved aside.
      const event = apiEvent('GET', `/api/studies/${input.studyId}/export`, { query: 'format=long', headers: { [FORWARDED_AUTHORIZATION_HEADER]: `Bearer ${input.token}` } });
      const result = await invokeStreaming(handler, event);
      return { rows: result.lines - 1, bytes: result.bytes, chunks: result.chunks, status: result.statusCode };
    };
  }
  const idleRss = process.memoryUsage().rss;
  const started = performance.now();
  const outcome = await run();
  const ms = performance.now() - started;
  clearInterval(sampler);
  sample();
  const result: ChildResult = {
    chunks: 0,
    ...outcome,
    ms,
    idleRss,
    peakRss: Math.max(statusKb('VmHWM'), peak.rss),
    peakHeapUsed: peak.heapUsed,
    peakHeapTotal: peak.heapTotal,
    peakExternal: peak.external,
    peakArrayBuffers: peak.arrayBuffers,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
