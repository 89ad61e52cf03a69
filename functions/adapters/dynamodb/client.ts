import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unavailable } from '../../core/errors';
import { boundedRequestHandler, type RequestTimeouts } from '../aws-timeouts';

export interface DynamoConnection {
  /** Set for the local emulator; unset in AWS. */
  endpoint?: string;
  region: string;
  /** How long one attempt may take (defaultRequestTimeouts unless set; tests shorten them). */
  timeouts?: RequestTimeouts;
}

/** Table names as deployed (CDK generates them; locally they are fixed per data folder). */
export interface TableNames {
  research: string;
  contacts: string;
}

export interface Db {
  doc: DynamoDBDocumentClient;
  raw: DynamoDBClient;
  tables: TableNames;
}

export function createDb(connection: DynamoConnection, tables: TableNames): Db {
  const raw = new DynamoDBClient({
    region: connection.region,
    ...(connection.endpoint
      ? { endpoint: connection.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    // A timed-out attempt is retried like a throttled one: every write here is conditional or idempotent.
    requestHandler: boundedRequestHandler(connection.timeouts),
    maxAttempts: 5,
  });
  // Outermost, so it sees only what the SDK's own retries could not absorb.
  raw.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        throw isTransientDynamoError(error) ? Object.assign(unavailable('the database is busy just now: please try again in a moment'), { cause: error }) : error;
      }
    },
    { step: 'initialize', priority: 'high', name: 'transientAsUnavailable' },
  );
  const doc = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  return { doc, raw, tables };
}

const transientNames = new Set([
  'ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'LimitExceededException',
  'InternalServerError', 'ServiceUnavailable', 'TransactionInProgressException', 'TimeoutError', 'RequestTimeout',
  'RequestTimeoutException',
]);

/**
 * Throttling, timeouts and the service's own failures that outlasted the SDK's retries: the
 * request may well succeed in a moment. They become `unavailable` (503: "try again"), never a
 * 500 that reads as a bug. A write whose answer timed out may have happened; every write here is
 * conditional or idempotent, so repeating it is safe.
 */
export function isTransientDynamoError(error: unknown): boolean {
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  return (
    transientNames.has(e?.name ?? '') ||
    (status !== undefined && (status === 429 || status >= 500)) ||
    ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'].includes(e?.code ?? '')
  );
}

export const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** Runs a conditional write; returns false instead of throwing when its condition fails. */
export async function conditionally(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
