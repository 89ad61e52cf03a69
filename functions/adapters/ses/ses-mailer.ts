import type { SESClient } from '@aws-sdk/client-ses';
import type { SesConnection } from './ses-client';
import { MailerError, type Mailer, type OutgoingEmail } from '../../core/ports';
import { redact } from '../../core/redact';

// The SES client is imported and built on the first send, not with the module: the participant
// Lambda sends on few requests (a self-enrolment, a consent copy), and the client's SES-specific
// code would otherwise be compiled at every cold start.
let sesClientModule: Promise<typeof import('./ses-client')> | undefined;
const loadSesClient = () => (sesClientModule ??= import('./ses-client'));

/**
 * Loads the SES client now rather than on the first send: for a process that sends on most runs
 * (the dispatcher), whose paced sends should not wait behind the first one compiling it.
 */
export async function preloadSesClient(): Promise<void> {
  await loadSesClient();
}

export type { SesConnection } from './ses-client';

/** Errors SES answered with (it refused the email) that are worth another try later. */
const transientNames = new Set([
  'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'MaxSendingRateExceeded', 'ServiceUnavailable',
  'ServiceUnavailableException', 'InternalFailure', 'InternalServerError',
]);

/** Network failures that happen before a request is on the wire: the email certainly did not leave. */
const notSentCodes = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * How a failed send ended. `refused`: SES answered no, for good. `transient`: SES answered "not
 * now" or could not be reached, so nothing was sent and a later retry is safe. `unknown`: the
 * request left and no answer came back (a request timeout, a connection reset): SES may have
 * accepted it, and a retry could deliver it twice.
 */
export function classifySesError(error: unknown): 'refused' | 'transient' | 'unknown' {
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return transientNames.has(e.name ?? '') || status === 429 || status >= 500 ? 'transient' : 'refused';
  if (transientNames.has(e.name ?? '')) return 'transient';
  if (notSentCodes.has(e.code ?? '')) return 'transient';
  // @smithy/node-http-handler's connectionTimeout: the socket never connected, so nothing was sent.
  // Its wording changed in 4.x ("did not establish a connection"); test/integration/unanswered-calls.test.ts
  // holds this to what the installed handler throws.
  if (e.name === 'TimeoutError' && /(without establishing|did not establish) a connection/i.test(e.message ?? '')) return 'transient';
  return 'unknown';
}

// Imported on first send, not with the module: most requests (opening a link, saving, submitting)
// send nothing, and a cold start should not compile a MIME library for them.
let mailComposer: Promise<typeof import('nodemailer/lib/mail-composer')> | undefined;

/** The RFC 5322 message: text and HTML alternatives, a stable Message-ID, extra headers. */
export async function composeMime(email: OutgoingEmail): Promise<Buffer> {
  const { default: MailComposer } = await (mailComposer ??= import('nodemailer/lib/mail-composer'));
  const composer = new MailComposer({
    from: email.from,
    to: email.to,
    subject: email.subject,
    text: email.text,
    html: email.html,
    ...(email.messageId ? { messageId: email.messageId } : {}),
    ...(email.headers ? { headers: email.headers } : {}),
    ...(email.attachments ? { attachments: email.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.content) })) } : {}),
  });
  return composer.compile().build();
}

/**
 * The only module that talks to SES. Sends raw MIME so List-Unsubscribe and Message-ID headers survive.
 * `client` is passed only by tests that inject faults into its middleware stack.
 */
export function createSesMailer(connection: SesConnection, client?: SESClient): Mailer {
  let ready: Promise<SESClient> | undefined;
  return {
    async send(email) {
      // SES (unlike the emulator) rejects an empty or malformed recipient; check here so both behave alike.
      if (email.to.length === 0 || email.to.some((to) => !/^[^\s@<>]+@[^\s@<>]+$/.test(to))) {
        throw new MailerError('refusing to send: invalid recipient address', false);
      }
      try {
        const { createSesClient, SendRawEmailCommand } = await loadSesClient();
        const ses = await (ready ??= Promise.resolve(client ?? createSesClient(connection)));
        const result = await ses.send(
          new SendRawEmailCommand({
            RawMessage: { Data: await composeMime(email) },
            Destinations: email.to,
            ...(connection.configurationSet ? { ConfigurationSetName: connection.configurationSet } : {}),
          }),
        );
        if (!result.MessageId) throw new MailerError('SES returned no message id', true);
        return { messageId: result.MessageId };
      } catch (error) {
        if (error instanceof MailerError) throw error;
        // Redacted: this message is stored in the ledger and logged, and SES quotes recipients in some errors.
        const message = redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
        const outcome = classifySesError(error);
        throw new MailerError(message, outcome === 'transient', outcome === 'unknown');
      }
    },
  };
}
