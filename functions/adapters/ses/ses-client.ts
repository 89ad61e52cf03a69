import { SESClient } from '@aws-sdk/client-ses';
import { boundedRequestHandler, type RequestTimeouts } from '../aws-timeouts';
export { SendRawEmailCommand } from '@aws-sdk/client-ses';

/** Where and how the mailer reaches SES. */
export interface SesConnection {
  /** Set for the local emulator; unset in AWS. */
  endpoint?: string;
  region: string;
  /** SES configuration set that routes delivery, bounce and complaint events back to Timepoint. */
  configurationSet?: string;
  /** How long a send may take (defaultRequestTimeouts unless set; tests shorten them). */
  timeouts?: RequestTimeouts;
}

/** The SES client the mailer uses, with its timeouts and retries. */
export function createSesClient(connection: SesConnection): SESClient {
  return new SESClient({
    region: connection.region,
    ...(connection.endpoint
      ? { endpoint: connection.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    // Without a timeout an unanswered call (the emulator ignores unknown actions) would hang a dispatcher run.
    requestHandler: boundedRequestHandler(connection.timeouts),
    // No SDK-level retries: the SDK repeats a send whose answer was lost (a timeout after SES took
    // it), which would email the person twice. The dispatcher retries, later, only what certainly
    // did not leave (classifySesError).
    maxAttempts: 1,
  });
}
