/**
 * How long one call to an AWS service (or its local emulator) may take before the SDK gives up on
 * it. Without these, a call that is never answered waits for ever: a dispatcher pass stalls until
 * its Lambda is killed, leaving what it claimed to the lease, and every email behind it waits.
 */
export interface RequestTimeouts {
  /** Milliseconds to establish the connection; past it nothing was sent, so a retry is safe. */
  connectionTimeoutMs: number;
  /** Milliseconds for the answer once the request is on its way; past it the call may have happened. */
  requestTimeoutMs: number;
}

/**
 * Generous for the service (single-digit milliseconds for DynamoDB, a few hundred for SES) and
 * for the local emulators on a busy machine, short beside the dispatcher's 45-second pass.
 */
export const defaultRequestTimeouts: RequestTimeouts = { connectionTimeoutMs: 3_000, requestTimeoutMs: 10_000 };

/**
 * The request handler settings that enforce `timeouts`. `throwOnRequestTimeout`: since
 * @smithy/node-http-handler 4.x a request timeout on its own only logs a warning and goes on
 * waiting; with it, the call fails with a TimeoutError the SDK's retries and our adapters see.
 */
export const boundedRequestHandler = (timeouts: RequestTimeouts = defaultRequestTimeouts) => ({
  connectionTimeout: timeouts.connectionTimeoutMs,
  requestTimeout: timeouts.requestTimeoutMs,
  throwOnRequestTimeout: true,
});
