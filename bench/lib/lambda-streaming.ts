/**
 * Lambda's response streaming, as the Node.js runtime provides it to a handler wrapped in
 * `awslambda.streamifyResponse` (hono/aws-lambda's `streamHandle`): the runtime's `awslambda`
 * global, and a response stream that is consumed as a function URL consumes it, a chunk at a
 * time with backpressure, never collected unless asked. Used by the export benchmark's child
 * process (bench/lib/export-child.ts) and the export Lambda's tests; nothing of the harness.
 */
import { Writable } from 'node:stream';

/** What the handler declared before its body (`awslambda.HttpResponseStream.from`). */
export interface StreamedPrelude {
  statusCode: number;
  headers?: Record<string, string>;
  cookies?: string[];
}

export interface StreamedResponse extends StreamedPrelude {
  /** Body bytes and newlines (CSV rows + header, NDJSON lines), and the writes that carried them. */
  bytes: number;
  lines: number;
  chunks: number;
  /** The body as text, only when kept (`keepBody`). */
  body?: string;
}

type StreamingHandler = (event: unknown, responseStream: Writable, context: unknown) => Promise<void>;

/**
 * Defines the `awslambda` global the Lambda runtime defines, before the handler module is loaded
 * (`streamHandle` calls `awslambda.streamifyResponse` at load).
 */
export function installLambdaStreamingRuntime(): void {
  (globalThis as { awslambda?: unknown }).awslambda = {
    streamifyResponse: (handler: StreamingHandler) => handler,
    HttpResponseStream: {
      from: (stream: ResponseStream, prelude: StreamedPrelude) => {
        stream.prelude = prelude;
        return stream;
      },
    },
  };
}

/**
 * The response stream: a small buffer, and each chunk acknowledged on a later turn of the event
 * loop, so a producer that ignored backpressure would pile its output up in memory (as it would in
 * Lambda when the client reads slower than the export is produced).
 */
class ResponseStream extends Writable {
  prelude: StreamedPrelude | undefined;
  bytes = 0;
  lines = 0;
  chunks = 0;
  private readonly kept: Buffer[] | undefined;

  constructor(keepBody: boolean) {
    super({ highWaterMark: 16 * 1024 });
    this.kept = keepBody ? [] : undefined;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.bytes += buffer.length;
    this.chunks++;
    for (let at = buffer.indexOf(10); at !== -1; at = buffer.indexOf(10, at + 1)) this.lines++;
    this.kept?.push(buffer);
    setImmediate(done);
  }

  body(): string | undefined {
    return this.kept === undefined ? undefined : Buffer.concat(this.kept).toString('utf8');
  }
}

/** Invokes a streaming handler as the runtime does and waits for the response to end. */
export async function invokeStreaming(handler: unknown, event: unknown, options: { keepBody?: boolean } = {}): Promise<StreamedResponse> {
  const stream = new ResponseStream(options.keepBody === true);
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  // Observed now, awaited after the handler returns: a stream that fails while the handler runs is
  // the response failing (Lambda aborts it), not an unhandled rejection.
  finished.catch(() => {});
  await (handler as StreamingHandler)(event, stream, {});
  await finished;
  if (stream.prelude === undefined) throw new Error('the handler streamed no status and headers');
  const body = stream.body();
  return { ...stream.prelude, bytes: stream.bytes, lines: stream.lines, chunks: stream.chunks, ...(body !== undefined ? { body } : {}) };
}
