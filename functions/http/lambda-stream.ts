import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { redact } from '../core/redact';

/** A Lambda function URL request (payload format 2.0): what a function URL sends the function. */
export interface FunctionUrlEvent {
  rawPath: string;
  rawQueryString?: string;
  headers?: Record<string, string | undefined>;
  cookies?: string[];
  requestContext: { domainName: string; http: { method: string } };
  body?: string;
  isBase64Encoded?: boolean;
}

/** What the response's status and headers are declared with before its body (`awslambda.HttpResponseStream.from`). */
interface Prelude {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
}

type StreamingHandler = (event: FunctionUrlEvent, responseStream: Writable, context: unknown) => Promise<void>;

/** The global the Lambda Node.js runtime defines for response streaming (it is not a module). */
interface LambdaStreamingRuntime {
  streamifyResponse(handler: StreamingHandler): StreamingHandler;
  HttpResponseStream: { from(stream: Writable, prelude: Prelude): Writable };
}

/** Anything that answers a fetch `Request` (a Hono app). */
export interface FetchApp {
  fetch(request: Request, env?: unknown): Response | Promise<Response>;
}

/**
 * A Lambda handler that streams `app`'s response (Lambda response streaming through a function
 * URL), in place of `hono/aws-lambda`'s `streamHandle`, for one reason: what happens when the body
 * fails after it has started. `streamHandle` catches the error, writes the text "Internal Server
 * Error" into the body and returns normally, so the invocation counts as a success and the text is
 * offered as the file's last line. Here the response stream is destroyed with the error (nothing
 * is appended) and the handler rejects, so the runtime reports the invocation as failed and the
 * response is aborted, never ended as if complete (docs/exports.md, "An export that fails").
 */
export function lambdaStreamHandler(app: FetchApp): StreamingHandler {
  const runtime = (globalThis as { awslambda?: LambdaStreamingRuntime }).awslambda;
  if (runtime === undefined) throw new Error('no awslambda global: response streaming needs the Lambda Node.js runtime');
  return runtime.streamifyResponse(async (event, responseStream, context) => {
    const response = await app.fetch(requestOf(event), { event, requestContext: event.requestContext, context });
    const prelude: Prelude = { statusCode: response.status, headers: {}, cookies: [] };
    response.headers.forEach((value, name) => {
      if (name === 'set-cookie') prelude.cookies.push(value);
      else prelude.headers[name] = value;
    });
    const stream = runtime.HttpResponseStream.from(responseStream, prelude);
    if (response.body === null) {
      // The runtime sends the status and headers with the first write; an empty body still needs one.
      stream.write('');
      stream.end();
      return;
    }
    try {
      await pipeline(chunks(response.body), stream);
    } catch (error) {
      // pipeline has destroyed the stream with the error; say so once, without request data.
      stream.destroy(error instanceof Error ? error : new Error(String(error)));
      console.error(JSON.stringify({ level: 'error', msg: 'response failed after its body had started; aborted', error: redact(error instanceof Error ? error.message : String(error)) }));
      throw new Error('the response failed after its body had started and was aborted');
    }
  });
}

/** The body a chunk at a time, as it is read (the reader's backpressure is the pipeline's). */
async function* chunks(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) yield read.value;
}

/** The fetch `Request` of a function URL event (as `hono/aws-lambda` builds it for payload 2.0). */
export function requestOf(event: FunctionUrlEvent): Request {
  const headers = new Headers();
  if (Array.isArray(event.cookies)) headers.set('cookie', event.cookies.join('; '));
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    // Header values must be ASCII in a fetch Request; a viewer's non-ASCII header would otherwise throw.
    if (value) headers.set(name, /[^\x00-\x7F]/.test(value) ? encodeURIComponent(value) : value);
  }
  const url = `https://${event.requestContext.domainName}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
  const init: RequestInit = { method: event.requestContext.http.method, headers };
  if (event.body) {
    const body = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body);
    init.body = body;
    headers.set('content-length', String(body.length));
  }
  return new Request(url, init);
}
