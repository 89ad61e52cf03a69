import { beforeAll, describe, expect, inject, it } from 'vitest';
import { installLambdaStreamingRuntime, invokeStreaming, invokeStreamingSettled, type StreamedOutcome } from '../../bench/lib/lambda-streaming';
import { demoStudy } from '../../functions/demo/demo-study';
import { FORWARDED_AUTHORIZATION_HEADER } from '../../functions/http/edge-headers';
import { seedSyntheticDemo } from '../../functions/use-cases/seed-synthetic-demo';
import type { AppDeps } from '../../functions/http/env';
import { EXPORT_CHUNK_BYTES } from '../../functions/use-cases/export-study';
import type { Instance } from '../../functions/core/schedule/records';
import { apiEvent, BENCH_ORIGIN_SECRET } from '../../bench/lib/lambda-event';
import { createTestContext, type TestContext } from '../helpers/test-context';

let t: TestContext;
let token: string;
let handler: unknown;

beforeAll(async () => {
  // Now: the Lambda checks the session's expiry against the real clock.
  t = await createTestContext({ study: demoStudy, now: new Date().toISOString() });
  await seedSyntheticDemo(t.deps, demoStudy);
  token = await t.signIn({ email: 'analyst@staff.test', role: 'analyst', studies: ['demo'] });
  Object.assign(process.env, {
    TIMEPOINT_BASE_URL: 'https://export-function.invalid',
    RESEARCH_TABLE: t.db.tables.research,
    CONTACTS_TABLE: t.db.tables.contacts,
    AWS_REGION: 'eu-west-2',
    DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
    TIMEPOINT_SYSTEM_SENDER: 'timepoint@example.org',
    TIMEPOINT_ORIGIN_SECRET: BENCH_ORIGIN_SECRET,
  });
  installLambdaStreamingRuntime();
  ({ handler } = (await import('../../functions/entrypoints/export-lambda')) as { handler: unknown });
}, 180_000);

/** A request as the export behaviour's CloudFront function forwards it: the bearer token moved aside. */
const exportEvent = (path: string, query: string, headers: Record<string, string> = { [FORWARDED_AUTHORIZATION_HEADER]: `Bearer ${token}` }) =>
  apiEvent('GET', path, { query, headers });

describe('the export Lambda (response streaming)', () => {
  it.each(['long', 'wide', 'items', 'fhir', 'codebook'])('streams the %s export byte for byte as the API serves it, with the same headers', async (format) => {
    const streamed = await invokeStreaming(handler, exportEvent('/api/studies/demo/export', `format=${format}`), { keepBody: true });
    const served = await t.request('GET', `/api/studies/demo/export?format=${format}`, { token });
    expect(served.status).toBe(200);
    expect(streamed.statusCode).toBe(200);
    const body = await served.text();
    expect(body.split('\n').length).toBeGreaterThan(format === 'codebook' ? 10 : 30);
    expect(streamed.body).toBe(body);
    expect(streamed.bytes).toBe(Buffer.byteLength(body));
    expect(streamed.headers!['content-type']).toBe(served.headers.get('content-type'));
    expect(streamed.headers!['content-disposition']).toMatch(new RegExp(`^attachment; filename="demo-${format}-\\d{4}-\\d{2}-\\d{2}\\.(csv|ndjson)"$`));
    expect(streamed.headers!['cache-control']).toBe('no-store');
    // Written in chunks of 64 KB, not a row at a time (each write costs the runtime's stream and the socket).
    expect(streamed.chunks).toBeLessThanOrEqual(Math.ceil(streamed.bytes / EXPORT_CHUNK_BYTES));
  }, 60_000);

  it('takes the bearer token in the Authorization header too (a request that did not come through the export behaviour)', async () => {
    const streamed = await invokeStreaming(handler, apiEvent('GET', '/api/studies/demo/export', { query: 'format=codebook', headers: { authorization: `Bearer ${token}` } }));
    expect(streamed.statusCode).toBe(200);
  });

  it("takes the console's session cookie from the function URL event's cookies, as CloudFront forwards it", async () => {
    const event = { ...apiEvent('GET', '/api/studies/demo/export', { query: 'format=codebook' }), cookies: ['theme=dark', `tp_session=${token}`] };
    expect((await invokeStreaming(handler, event)).statusCode).toBe(200);
    expect((await invokeStreaming(handler, apiEvent('GET', '/api/studies/demo/export', { query: 'format=codebook' }))).statusCode).toBe(401);
  });

  it('audits each export, as the API does', async () => {
    const before = (await t.deps.audit.list('study:demo')).filter((e) => e.action === 'export.downloaded').length;
    await invokeStreaming(handler, exportEvent('/api/studies/demo/export', 'format=wide'));
    const after = (await t.deps.audit.list('study:demo')).filter((e) => e.action === 'export.downloaded');
    expect(after).toHaveLength(before + 1);
    expect(after.some((e) => e.actor === 'staff:analyst@staff.test')).toBe(true);
  });

  it('refuses a request without a session (401), without the origin secret (403), and a bad format (400 naming the field), as JSON', async () => {
    const anonymous = await invokeStreaming(handler, exportEvent('/api/studies/demo/export', '', {}), { keepBody: true });
    expect(anonymous.statusCode).toBe(401);
    const around = apiEvent('GET', '/api/studies/demo/export', { headers: { [FORWARDED_AUTHORIZATION_HEADER]: `Bearer ${token}` } });
    around.headers['x-timepoint-origin-secret'] = 'not-the-secret-but-long-enough-to-be-compared-here';
    expect((await invokeStreaming(handler, around)).statusCode).toBe(403);
    const bad = await invokeStreaming(handler, exportEvent('/api/studies/demo/export', 'format=xlsx'), { keepBody: true });
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body!)).toMatchObject({ error: { field: 'format' } });
  });

  it('serves nothing but the export: any other path or method is "unknown endpoint"', async () => {
    for (const [method, path] of [['GET', '/api/health'], ['GET', '/api/studies/demo'], ['GET', '/api/studies/demo/dashboard'], ['POST', '/api/studies/demo/export']] as const) {
      const result = await invokeStreaming(handler, apiEvent(method, path, { headers: { [FORWARDED_AUTHORIZATION_HEADER]: `Bearer ${token}` } }), { keepBody: true });
      expect(result.statusCode, `${method} ${path}`).toBe(404);
      expect(JSON.parse(result.body!)).toMatchObject({ error: { code: 'not_found' } });
    }
  });

  /**
   * The export Lambda over the same tables, its instance pages failing once the body has started:
   * the next page after the first bytes reached the response stream throws.
   */
  async function failingAfterFirstChunk() {
    let started: () => void = () => {};
    const firstChunk = new Promise<void>((resolve) => (started = resolve));
    const pages = t.deps.instances.pagesForStudy.bind(t.deps.instances);
    async function* failing(studyId: string): AsyncGenerator<Instance[]> {
      for await (const page of pages(studyId, { pageSize: 5 })) {
        yield page;
        if (await Promise.race([firstChunk.then(() => true), new Promise((resolve) => setImmediate(resolve, false))])) throw new Error('table unreadable');
      }
    }
    const { exportHandler } = (await import('../../functions/entrypoints/export-lambda')) as { exportHandler: (deps: AppDeps) => unknown };
    return { handler: exportHandler({ ...t.deps, viaFrontDoor: undefined, instances: { ...t.deps.instances, pagesForStudy: failing } }), onWrite: () => started() };
  }

  it('aborts an export that fails after its body has started: the response is destroyed with the error, nothing is appended, and the invocation fails', async () => {
    const complete = await (await t.request('GET', '/api/studies/demo/export?format=fhir', { token })).text();
    expect(Buffer.byteLength(complete)).toBeGreaterThan(2 * EXPORT_CHUNK_BYTES);
    const quiet = console.error;
    console.error = () => {};
    let outcome: StreamedOutcome;
    try {
      const { handler: failing, onWrite } = await failingAfterFirstChunk();
      outcome = await invokeStreamingSettled(failing, exportEvent('/api/studies/demo/export', 'format=fhir'), { onWrite });
    } finally {
      console.error = quiet;
    }
    // The failure came after the first chunk had gone out, as a 200 with the file's headers.
    expect(outcome.prelude?.statusCode).toBe(200);
    expect(outcome.bytes).toBeGreaterThanOrEqual(EXPORT_CHUNK_BYTES);
    expect(outcome.bytes).toBeLessThan(Buffer.byteLength(complete));
    // Aborted, not ended: a client sees a broken transfer, never a complete response.
    expect(outcome.finished).toBe(false);
    expect(outcome.destroyed).toBe(true);
    expect(outcome.streamError?.message).toBe('table unreadable');
    // Lambda reports the invocation as failed (the handler rejects), without the error's text.
    expect(outcome.handlerRejected).toBe(true);
    expect(String(outcome.handlerError)).not.toContain('table unreadable');
    // Nothing but the file's own bytes: no text written after the failure, and what arrived is the start of the export.
    expect(outcome.late).toEqual([]);
    expect(outcome.body).not.toContain('Internal Server Error');
    expect(complete.startsWith(outcome.body)).toBe(true);
  }, 60_000);

});
