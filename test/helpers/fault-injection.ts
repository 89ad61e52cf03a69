import type { FinalizeRequestMiddleware, InitializeMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import type { Mailer, OutgoingEmail } from '../../functions/core/ports';

/** A mailer that records every email handed to it, then sends it for real. */
export function spyingMailer(real: Mailer): Mailer & { sent: OutgoingEmail[] } {
  const sent: OutgoingEmail[] = [];
  return {
    sent,
    async send(email) {
      const result = await real.send(email);
      sent.push(email);
      return result;
    },
  };
}

/** The error a test throws to stand for the process dying at that point. */
export class SimulatedCrash extends Error {
  constructor(where: string) {
    super(`simulated crash ${where}`);
  }
}

/**
 * Wraps an object so that the next `times` calls of `method` run `before` first (which may
 * throw to fail the call before it happens) or `after` (to fail it after it took effect).
 */
export function failNext<T extends object, K extends keyof T>(target: T, method: K, fault: { before?: () => never; after?: () => never }, times = 1): T {
  let remaining = times;
  const original = target[method] as unknown as (...args: unknown[]) => Promise<unknown>;
  return new Proxy(target, {
    get(obj, prop, receiver) {
      if (prop !== method) return Reflect.get(obj, prop, receiver);
      return async (...args: unknown[]) => {
        if (remaining > 0 && fault.before) {
          remaining--;
          fault.before();
        }
        const result = await original.apply(obj, args);
        if (remaining > 0 && fault.after) {
          remaining--;
          fault.after();
        }
        return result;
      };
    },
  });
}

/** What an injected fault does to the call it hits. */
export type FaultKind =
  /** DynamoDB's ProvisionedThroughputExceededException (or SES's Throttling): nothing happened, try later. */
  | 'throttle'
  /** The request timed out before reaching the service: nothing happened. */
  | 'timeout'
  /** The request reached the service and took effect, but its answer was lost (a timeout on the way back). */
  | 'lost-response'
  /** The process dies just before this call: it never happens, and nothing after it runs. */
  | 'crash';

export interface FaultRule {
  /** The SDK command to fail, e.g. 'UpdateItemCommand', 'TransactWriteItemsCommand', 'SendRawEmailCommand'. */
  command: string;
  /** Narrows the match on the command's input (document-client form: plain values), e.g. by key. */
  when?: (input: Record<string, unknown>) => boolean;
  fault: FaultKind;
  /** The first matching call to fail, counting from 1 (default 1). */
  nth?: number;
  /** How many matching calls in a row fail from there (default 1; Infinity for "until removed"). */
  times?: number;
  /**
   * 'call' (default): the fault is what the application sees after the SDK's own retries gave up
   * (persistent throttling, a dead connection). 'attempt': each HTTP attempt is faulted, so the
   * SDK's retries run for real — with 'lost-response' that is a write the SDK repeats after it
   * already took effect.
   */
  layer?: 'call' | 'attempt';
}

export interface FaultInjector {
  /** Calls that were faulted, in order, with the command name and the rule's fault. */
  readonly hits: Array<{ command: string; fault: FaultKind }>;
  /** Calls seen per command (matched or not), for choosing `nth`. */
  readonly calls: Map<string, number>;
  /** Takes the middleware off the client again. */
  remove(): void;
}

/** Anything with an AWS SDK v3 middleware stack: a DynamoDBClient, DynamoDBDocumentClient or SESClient. */
type SdkClient = { middlewareStack: Pick<MiddlewareStack<object, MetadataBearer>, 'add' | 'remove'> };

/** An error shaped as the SDK shapes service errors, so its retry logic and our adapters classify it as the real one. */
export function awsError(name: string, message: string, status: number): Error {
  return Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status, attempts: 1, totalRetryDelay: 0 } });
}

const faultError = (kind: Exclude<FaultKind, 'crash'>, clientName: string): Error =>
  kind === 'throttle'
    ? clientName.startsWith('SES')
      ? awsError('Throttling', 'Maximum sending rate exceeded.', 400)
      : awsError('ProvisionedThroughputExceededException', 'The level of configured provisioned throughput for the table was exceeded.', 400)
    : kind === 'timeout'
      ? // What @smithy/node-http-handler 4.x throws when connectionTimeout elapses: the request never left
        // (test/integration/unanswered-calls.test.ts has the real one).
        Object.assign(new Error('@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 3000 ms.'), { name: 'TimeoutError', $metadata: {} })
      : // What it throws when requestTimeout elapses (with throwOnRequestTimeout): the request left, its answer never came.
        Object.assign(new Error('@smithy/node-http-handler - [ERROR] a request has exceeded the configured 10000 ms requestTimeout.'), { name: 'TimeoutError', code: 'ETIMEDOUT', $metadata: {} });

let injectorCount = 0;

/**
 * Fails chosen calls of a real AWS SDK client, inside its middleware stack: the repositories and
 * the mailer run unchanged, with the SDK's own retry and error handling. Rules match on the
 * command name (and optionally its input) and a per-rule counter of matching calls.
 */
export function injectFaults(client: SdkClient, rules: FaultRule[]): FaultInjector {
  const hits: FaultInjector['hits'] = [];
  const calls = new Map<string, number>();
  const seen = rules.map(() => 0);
  const name = `faultInjection${++injectorCount}`;

  const decide = (context: { commandName?: string }, input: Record<string, unknown>, layer: 'call' | 'attempt') => {
    const command = context.commandName ?? '?';
    if (layer === 'call') calls.set(command, (calls.get(command) ?? 0) + 1);
    for (const [i, rule] of rules.entries()) {
      if ((rule.layer ?? 'call') !== layer || rule.command !== command || (rule.when && !rule.when(input))) continue;
      const n = ++seen[i]!;
      const first = rule.nth ?? 1;
      if (n >= first && n < first + (rule.times ?? 1)) {
        hits.push({ command, fault: rule.fault });
        return rule.fault;
      }
    }
    return null;
  };

  const fail = async (layer: 'call' | 'attempt', context: { commandName?: string; clientName?: string }, input: object, next: () => Promise<unknown>) => {
    const fault = decide(context, input as Record<string, unknown>, layer);
    if (fault === null) return next();
    if (fault === 'crash') throw new SimulatedCrash(`before ${context.commandName}`);
    if (fault === 'lost-response') {
      await next();
      throw faultError('lost-response', context.clientName ?? '');
    }
    throw faultError(fault, context.clientName ?? '');
  };
  const onCall: InitializeMiddleware<object, MetadataBearer> = (next, context) => async (args) =>
    (await fail('call', context, args.input, () => next(args))) as Awaited<ReturnType<typeof next>>;
  const onAttempt: FinalizeRequestMiddleware<object, MetadataBearer> = (next, context) => async (args) =>
    (await fail('attempt', context, args.input, () => next(args))) as Awaited<ReturnType<typeof next>>;

  // 'call': outside the retry middleware (initialize step); 'attempt': inside it, once per HTTP attempt.
  client.middlewareStack.add(onCall, { step: 'initialize', priority: 'low', name: `${name}Call` });
  client.middlewareStack.add(onAttempt, { step: 'finalizeRequest', priority: 'low', name: `${name}Attempt` });
  return {
    hits,
    calls,
    remove() {
      client.middlewareStack.remove(`${name}Call`);
      client.middlewareStack.remove(`${name}Attempt`);
    },
  };
}

const keyAttribute = (input: Record<string, unknown>, name: 'pk' | 'sk'): string | undefined => {
  const key = (input.Key ?? input.Item) as Record<string, unknown> | undefined;
  const value = key?.[name];
  // Plain before the document client marshals it ('call' layer), `{S: …}` after ('attempt' layer).
  const plain = typeof value === 'object' && value !== null ? (value as { S?: unknown }).S : value;
  return typeof plain === 'string' ? plain : undefined;
};

/** Matches a DynamoDB call by the sort key (or its prefix) of the item it reads or writes. */
export const onItem =
  (skPrefix: string) =>
  (input: Record<string, unknown>): boolean =>
    keyAttribute(input, 'sk')?.startsWith(skPrefix) ?? false;

/** Matches a DynamoDB call by the partition key (or its prefix) of the item it reads or writes. */
export const onPartition =
  (pkPrefix: string) =>
  (input: Record<string, unknown>): boolean =>
    keyAttribute(input, 'pk')?.startsWith(pkPrefix) ?? false;
