/**
 * Counts what the application's own DynamoDB calls cost, without touching functions/:
 * `DynamoDBDocumentClient.from` is wrapped so that every document client built afterwards (createDb,
 * hence buildDependencies and every repository) carries one extra middleware. The document client
 * shares its middleware stack with its raw client, so raw calls pass through it too. Install it
 * before building any dependencies; it records only while `recording` is true.
 *
 * Per call it asks DynamoDB for `ReturnConsumedCapacity: 'TOTAL'` (which changes nothing else) and
 * adds up what dynalite reports, with the minimums DynamoDB bills on demand and dynalite leaves
 * out: a read costs at least 0.5 RRU (1 if strongly consistent) even when it finds nothing, a write
 * at least 1 WRU, and a conditional write that is refused still costs its WRU. dynalite does not
 * count the `due` index's own writes (the index projects every attribute, so in AWS a write that
 * puts, changes or removes an item's index entry is billed again for it): `indexWru` estimates them
 * from writes that name `duePk`; writes that change an indexed item without naming it are missed.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Usage } from './harness';

interface Capacity {
  CapacityUnits?: number;
}

export class DbCallRecorder {
  recording = false;
  calls = 0;
  /** Calls that started while no other recorded call was in flight: the steps a caller waits for one after another. */
  sequential = 0;
  rru = 0;
  wru = 0;
  indexWru = 0;
  readonly byCommand = new Map<string, number>();
  /** Calls by command and the kind of item they touch (`UpdateItem MESSAGE`, `Query due index`), for accounting tables. */
  readonly byTarget = new Map<string, number>();
  private inFlight = 0;

  reset(): void {
    this.calls = this.sequential = this.rru = this.wru = this.indexWru = 0;
    this.byCommand.clear();
    this.byTarget.clear();
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

  /** The counts so far divided by `per` (operations), with the index estimate in `wru`. */
  usage(per: number, extra: Partial<Usage> = {}): Usage {
    return { calls: this.calls / per, sequential: this.sequential / per, rru: this.rru / per, wru: (this.wru + this.indexWru) / per, ...extra };
  }

  /** `GetItem 2.00, PutItem 1.00, …` per operation. */
  commands(per: number): string {
    return [...this.byCommand].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${(n / per).toFixed(2)}`).join(', ');
  }

  /** `UpdateItem MESSAGE 2.00, PutItem SES 1.00, …` per operation: each command by the kind of item it touches. */
  targets(per: number): string {
    return [...this.byTarget].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${(n / per).toFixed(2)}`).join(', ');
  }

  started(): void {
    if (this.inFlight++ === 0) this.sequential++;
    this.calls++;
  }

  ended(command: string, input: Record<string, unknown>, output: Record<string, unknown> | undefined, refused: boolean): void {
    this.inFlight--;
    this.byCommand.set(command, (this.byCommand.get(command) ?? 0) + 1);
    const target = `${command} ${targetOf(input)}`;
    this.byTarget.set(target, (this.byTarget.get(target) ?? 0) + 1);
    const reported = [output?.ConsumedCapacity ?? []].flat() as Capacity[];
    const units = reported.reduce((s, c) => s + (c.CapacityUnits ?? 0), 0);
    if (/^(Get|BatchGet|Query|Scan)/.test(command)) {
      const items = command === 'BatchGetItem' ? Object.values((input.RequestItems ?? {}) as Record<string, { Keys?: unknown[] }>).reduce((s, r) => s + (r.Keys?.length ?? 0), 0) : 1;
      this.rru += Math.max(units, items * (input.ConsistentRead === true ? 1 : 0.5));
    } else {
      const writes = command === 'BatchWriteItem' ? Object.values((input.RequestItems ?? {}) as Record<string, unknown[]>).reduce((s, r) => s + r.length, 0) : 1;
      const tableWru = refused ? 1 : Math.max(units, writes);
      this.wru += tableWru;
      if (JSON.stringify(input).includes('duePk')) this.indexWru += tableWru;
    }
  }
}

/** The kind of item a key names: its sort key's prefix (`MESSAGE`, `CONTACT`), or its partition key's for single-item partitions (`SES`, `LINK`). */
const kindOf = (key: Record<string, unknown> | undefined): string => {
  const [pk, sk] = [String(key?.pk ?? ''), String(key?.sk ?? '')];
  return sk.includes('#') && !/^\d{4}-/.test(sk) ? sk.slice(0, sk.indexOf('#')) : pk.slice(0, pk.includes('#') ? pk.indexOf('#') : undefined);
};

/** What a call touches, as kinds of item (several for a batch, joined with `+`). */
function targetOf(input: Record<string, unknown>): string {
  if (input.IndexName) return `${String(input.IndexName)} index`;
  if (input.Key || input.Item) return kindOf((input.Key ?? input.Item) as Record<string, unknown>);
  if (input.RequestItems) {
    const requests = Object.values(input.RequestItems as Record<string, unknown>).flatMap((r) => {
      if (Array.isArray(r)) return r.map((w: { PutRequest?: { Item?: Record<string, unknown> }; DeleteRequest?: { Key?: Record<string, unknown> } }) => w.PutRequest?.Item ?? w.DeleteRequest?.Key);
      return ((r as { Keys?: Array<Record<string, unknown>> }).Keys ?? []) as Array<Record<string, unknown> | undefined>;
    });
    return [...new Set(requests.map(kindOf))].sort().join('+');
  }
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  return kindOf({ pk: values[':pk'], sk: values[':prefix'] ?? values[':sk'] });
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
        const input = args.input as Record<string, unknown>;
        input.ReturnConsumedCapacity = 'TOTAL';
        const command = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        recorder.started();
        let output: Record<string, unknown> | undefined;
        let refused = false;
        try {
          const result = await next(args);
          output = result.output as Record<string, unknown>;
          return result;
        } catch (error) {
          refused = error instanceof Error && error.name === 'ConditionalCheckFailedException';
          throw error;
        } finally {
          recorder.ended(command, input, output, refused);
        }
      },
      { step: 'initialize', priority: 'high', name: 'benchDbCallRecorder' },
    );
    return doc;
  };
  installed = recorder;
  return recorder;
}
