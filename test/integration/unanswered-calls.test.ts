import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestTimeouts } from '../../functions/adapters/aws-timeouts';
import { createDb } from '../../functions/adapters/dynamodb/client';
import { createSesMailer } from '../../functions/adapters/ses/ses-mailer';
import { isAppError } from '../../functions/core/errors';
import type { StoredMessage } from '../../functions/core/schedule/records';
import { MailerError, type Mailer, type OutgoingEmail } from '../../functions/core/ports';
import { runDispatch, type DispatchReport } from '../../functions/use-cases/dispatch';
import { createTestContext } from '../helpers/test-context';
import { silentServer, unreachableServer, type UnansweringEndpoint } from '../helpers/unanswering-servers';

/**
 * A service that never answers must cost a call its timeout, never a dispatcher pass: the SDK's
 * own request handler enforces the timeouts (functions/adapters/aws-timeouts.ts), and what it
 * throws decides whether an email may be tried again. Short timeouts here; the real ones are
 * seconds.
 */
const timeouts: RequestTimeouts = { connectionTimeoutMs: 400, requestTimeoutMs: 400 };
const endpoints: UnansweringEndpoint[] = [];
const open = async (start: () => Promise<UnansweringEndpoint>) => {
  const endpoint = await start();
  endpoints.push(endpoint);
  return endpoint;
};
afterEach(async () => {
  await Promise.all(endpoints.splice(0).map((e) => e.close()));
});

const elapsed = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work().catch(() => {});
  return performance.now() - started;
};

/** Participants' emails go to `ses`; the coordinator's sign-in email (the test enrols through the API) to the real emulator. */
const participantMailTo = (ses: UnansweringEndpoint) => (real: Mailer): Mailer => {
  const quiet = createSesMailer({ endpoint: ses.url, region: 'eu-west-2', timeouts });
  return { send: (email) => (email.to.every((to) => to.endsWith('@participants.test')) ? quiet.send(email) : real.send(email)) };
};

/**
 * Enrols a participant and runs one dispatcher pass with their email going to `ses`: the pass's
 * report and their invitation as it left it. The pass must end well within its budget (the send's
 * 400 ms and its own writes).
 */
async function passWithParticipantMailTo(ses: UnansweringEndpoint): Promise<{ report: DispatchReport; invitation: StoredMessage | undefined }> {
  const t = await createTestContext({ mailer: participantMailTo(ses) });
  const { code } = await t.enrol({ arm: 'mbpm' });
  let report!: DispatchReport;
  expect(await elapsed(async () => (report = await runDispatch(t.deps)))).toBeLessThan(10_000);
  const invitation = (await t.deps.messages.listForParticipant('demo', code)).find((m) => m.kind === 'invitation');
  return { report, invitation };
}

const email: OutgoingEmail = { from: 'timepoint@example.org', to: ['someone@participants.test'], subject: 'Your questionnaires', text: 'Hello', html: '<p>Hello</p>' };

describe('a call that is never answered', () => {
  it('an SES send taken and never answered fails after its timeout as one that may have been sent, once, and is never tried again', async () => {
    const ses = await open(silentServer);
    const mailer = createSesMailer({ endpoint: ses.url, region: 'eu-west-2', timeouts });
    const failure = await mailer.send(email).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MailerError);
    expect(failure).toMatchObject({ transient: false, mayHaveBeenSent: true });
    // No second attempt by the SDK: that one could be a second email.
    expect(ses.attempts()).toBe(1);
  });

  it('an SES connection never established fails after its timeout as certainly not sent, so it may be tried again', async () => {
    const ses = await open(unreachableServer);
    const mailer = createSesMailer({ endpoint: ses.url, region: 'eu-west-2', timeouts });
    const failure = await mailer.send(email).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MailerError);
    expect(failure).toMatchObject({ transient: true, mayHaveBeenSent: false });
  });

  it('a DynamoDB call never answered is tried again by the SDK, then fails as "unavailable" (try again), not as a bug', async () => {
    const dynamo = await open(silentServer);
    const db = createDb({ endpoint: dynamo.url, region: 'eu-west-2', timeouts }, { research: 'research', contacts: 'contacts' });
    let failure: unknown;
    const ms = await elapsed(() => db.doc.send(new GetCommand({ TableName: 'research', Key: { pk: 'p', sk: 's' } })).catch((error: unknown) => (failure = error)));
    expect(isAppError(failure) && failure.kind).toBe('unavailable');
    expect(dynamo.attempts()).toBe(5);
    // Five attempts of 400 ms and the SDK's back-off between them: seconds, not for ever.
    expect(ms).toBeLessThan(15_000);
  });

  it('a dispatcher pass whose SES goes quiet ends: the invitation is parked as possibly sent (never sent twice), and the pass reports it', async () => {
    const ses = await open(silentServer);
    const { report, invitation } = await passWithParticipantMailTo(ses);
    expect(report).toMatchObject({ sent: 0, failed: 1 });
    expect(invitation).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^outcome unknown/) });
    expect(ses.attempts()).toBe(1);
  });

  it('a dispatcher pass whose SES cannot be reached ends: the invitation is put back for a later attempt', async () => {
    const { report, invitation } = await passWithParticipantMailTo(await open(unreachableServer));
    expect(report).toMatchObject({ sent: 0, retried: 1, failed: 0 });
    expect(invitation).toMatchObject({ status: 'planned', reason: expect.stringMatching(/^attempt 1 failed/) });
  });
});
