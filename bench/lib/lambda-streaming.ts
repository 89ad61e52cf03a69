/**
 * Lambda's response streaming, as the Node.js runtime provides it to a handler wrapped in
 * `awslambda.streamifyResponse` (the export Lambda, functions/http/lambda-stream.ts): the runtime's `awslambda`
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
 * (the export Lambda calls `awslambda.streamifyResponse` at load).
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
  /** What the handler tried to write after the stream was destroyed or ended (a well-behaved handler writes nothing then). */
  readonly late: string[] = [];
  private readonly kept: Buffer[] | undefined;

  constructor(
    keepBody: boolean,
    private readonly onWrite?: (bytes: number) => void,
  ) {
    super({ highWaterMark: 16 * 1024 });
    this.kept = keepBody ? [] : undefined;
  }

  override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    if (this.destroyed || this.writableEnded) this.late.push(String(chunk));
    return super.write(chunk, encoding as BufferEncoding, callback as (error?: Error | null) => void);
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.bytes += buffer.length;
    this.chunks++;
    for (let at = buffer.indexOf(10); at !== -1; at = buffer.indexOf(10, at + 1)) this.lines++;
    this.kept?.push(buffer);
    this.onWrite?.(this.bytes);
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

/** How a streamed invocation ended, whatever happened: the handler's outcome and the response stream's, apart. */
export interface StreamedOutcome {
  /** The handler's promise: resolved (the invocation succeeded) or the error it rejected with (Lambda reports the invocation failed). */
  handlerError: unknown;
  handlerRejected: boolean;
  /** The stream ended normally (`end()`, every byte flushed): what a client sees as a complete response. */
  finished: boolean;
  /** The stream was destroyed, and with what error (an aborted response). */
  destroyed: boolean;
  streamError: Error | undefined;
  prelude: StreamedPrelude | undefined;
  bytes: number;
  body: string;
  /** Writes attempted after the stream was destroyed or ended. */
  late: string[];
}

/** Invokes a streaming handler as the runtime does and reports how both the handler and its response ended, keeping the body; `onWrite` hears the bytes received so far after each write. */
export async function invokeStreamingSettled(handler: unknown, event: unknown, options: { onWrite?: (bytes: number) => void } = {}): Promise<StreamedOutcome> {
  const stream = new ResponseStream(true, options.onWrite);
  let streamError: Error | undefined;
  let finished = false;
  const closed = new Promise<void>((resolve) => stream.on('close', resolve));
  stream.on('error', (error) => (streamError = error));
  stream.on('finish', () => (finished = true));
  let handlerError: unknown;
  let handlerRejected = false;
  try {
    await (handler as StreamingHandler)(event, stream, {});
  } catch (error) {
    handlerRejected = true;
    handlerError = error;
  }
  if (!stream.writableEnded && !stream.destroyed) throw new Error('the handler returned with its response stream neither ended nor destroyed');
  await closed;
  return { handlerError, handlerRejected, finished, destroyed: stream.destroyed, streamError, prelude: stream.prelude, bytes: stream.bytes, body: stream.body() ?? '', late: stream.late };
}
