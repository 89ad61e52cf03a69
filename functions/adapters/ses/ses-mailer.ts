import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import type { Mailer } from '../../core/ports';

export interface SesConnection {
  /** Set for the local emulator; unset in AWS. */
  endpoint?: string;
  region: string;
  /** SES configuration set that routes delivery, bounce and complaint events back to Timepoint. */
  configurationSet?: string;
}

/** The only module that talks to SES. */
export function createSesMailer(connection: SesConnection): Mailer {
  const client = new SESClient({
    region: connection.region,
    ...(connection.endpoint
      ? { endpoint: connection.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    // Without a timeout an unanswered call (the emulator ignores unknown actions) would hang a dispatcher run.
    requestHandler: { requestTimeout: 10_000, connectionTimeout: 3_000 },
    maxAttempts: 3,
  });
  return {
    async send(email) {
      // SES (unlike the emulator) rejects an empty recipient; check here so both behave alike.
      if (!/^[^\s@]+@[^\s@]+$/.test(email.to)) throw new Error('refusing to send: invalid recipient address');
      const result = await client.send(
        new SendEmailCommand({
          Source: email.from,
          Destination: { ToAddresses: [email.to] },
          Message: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
          },
          ...(connection.configurationSet ? { ConfigurationSetName: connection.configurationSet } : {}),
        }),
      );
      if (!result.MessageId) throw new Error('SES returned no message id');
      return { messageId: result.MessageId };
    },
  };
}
