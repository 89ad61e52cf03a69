/**
 * Counts and times every DynamoDB call the application's own clients make, without touching
 * functions/: `DynamoDBDocumentClient.from` is wrapped so that each document client created
 * afterwards (createDb, hence buildDependencies and every repository) gets one extra
 * middleware on its stack. The document client shares its stack with the raw client, so raw
 * calls (ensureTables) pass through it too. Install it before building any dependencies.
 *
 * For Query and Scan it adds up `ScannedCount` (items DynamoDB read, before any filter) and
 * `Count` (items returned), per command and, for the `due` index, per kind of work.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface CallStats {
  calls: number;
  /** Wall time from the client's send to its answer, summed (calls overlap when run in parallel). */
  ms: number;
  /** Sum of ScannedCount (Query, Scan). */
  scanned: number;
  /** Sum of Count (Query, Scan). */
  returned: number;
}

const empty = (): CallStats => ({ calls: 0, ms: 0, scanned: 0, returned: 0 });

export class DbCallRecorder {
  /** Calls are only recorded while this is true. */
  recording = false;
  readonly byCommand = new Map<string, CallStats>();
  /** Queries of the `due` index by kind of work (`MESSAGE`, `LEASE`, …), all shards together. */
  readonly dueByKind = new Map<string, CallStats>();
  /** Wall time during which at least one recorded call was in flight (overlapping calls counted once). */
  busyMs = 0;
  private inFlight = 0;
  private busySince = 0;

  reset(): void {
    this.byCommand.clear();
    this.dueByKind.clear();
    this.busyMs = 0;
  }

  started(): void {
    if (this.inFlight++ === 0) this.busySince = performance.now();
  }

  ended(): void {
    if (--this.inFlight === 0) this.busyMs += performance.now() - this.busySince;
  }

  /** Runs `work` with recording on, from a clean slate; returns its result (the counts stay readable). */
  async measure<T>(work: () => Promise<T>): Promise<T> {
    this.reset();
    this.recording = true;
    try {
      return await work();
    } finally {
      this.recording = false;
    }
  }

  command(name: string): CallStats {
    return this.byCommand.get(name) ?? empty();
  }

  due(kind: string): CallStats {
    return this.dueByKind.get(kind) ?? empty();
  }

  total(): CallStats {
    const t = empty();
    for (const s of this.byCommand.values()) add(t, s);
    return t;
  }

  record(command: string, input: Record<string, unknown>, output: { ScannedCount?: number; Count?: number } | undefined, ms: number): void {
    const one: CallStats = { calls: 1, ms, scanned: output?.ScannedCount ?? 0, returned: output?.Count ?? 0 };
    add(bucket(this.byCommand, command), one);
    if (input.IndexName === 'due') {
      const partition = stringValue((input.ExpressionAttributeValues as Record<string, unknown> | undefined)?.[':p']);
      const kind = partition?.split('#')[1] ?? '?';
      add(bucket(this.dueByKind, kind), one);
    }
  }
}

function bucket(map: Map<string, CallStats>, key: string): CallStats {
  let s = map.get(key);
  if (s === undefined) map.set(key, (s = empty()));
  return s;
}

function add(into: CallStats, s: CallStats): void {
  into.calls += s.calls;
  into.ms += s.ms;
  into.scanned += s.scanned;
  into.returned += s.returned;
}

/** A document-client value is a plain string; a raw-client one is `{ S: string }`. */
function stringValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v !== null && typeof v === 'object' && typeof (v as { S?: unknown }).S === 'string') return (v as { S: string }).S;
  return undefined;
}

let installed: DbCallRecorder | null = null;

/** Installs the recorder (once per process) and returns it. */
export function recordDynamoCalls(): DbCallRecorder {
  if (installed) return installed;
  const recorder = new DbCallRecorder();
  const from = DynamoDBDocumentClient.from.bind(DynamoDBDocumentClient);
  DynamoDBDocumentClient.from = (client, translateConfig) => {
    const doc = from(client, translateConfig);
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        if (!recorder.recording) return next(args);
        const started = performance.now();
        recorder.started();
        let output: { ScannedCount?: number; Count?: number } | undefined;
        try {
          const result = await next(args);
          output = result.output as typeof output;
          return result;
        } finally {
          recorder.ended();
          recorder.record(String(context.commandName ?? 'unknown').replace(/Command$/, ''), args.input as Record<string, unknown>, output, performance.now() - started);
        }
      },
      { step: 'initialize', priority: 'high', name: 'benchDbCallRecorder' },
    );
    return doc;
  };
  installed = recorder;
  return recorder;
}
