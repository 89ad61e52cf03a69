/**
 * The dispatcher: its time per message against one bare SendEmail + one conditional UpdateItem
 * against the same emulators, alternately; a backlog of invitations drained at the configured send
 * rate, every send timed, without ever exceeding it; and what a pass costs in DynamoDB calls, busy
 * and empty. See bench/README.md.
 */
import { SendEmailCommand } from '@aws-sdk/client-ses';
import { BatchWriteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createSesClient } from '../functions/adapters/ses/ses-client';
import { createSesMailer } from '../functions/adapters/ses/ses-mailer';
import type { Mailer, OutgoingEmail } from '../functions/core/ports';
import { demoStudy } from '../functions/demo/demo-study';
import type { AppDeps } from '../functions/http/env';
import { runDispatch } from '../functions/use-cases/dispatch';
import { snapshot, writeClones } from './lib/clone';
import { recordDynamoCalls } from './lib/db-calls';
import { alternate, fmtInt, fmtMs, fmtSpread, options, Report, run, stats, table, time } from './lib/harness';
import { emailOf, enrol, pool, startLocalStack } from './lib/local-stack';

const opts = options('bench/dispatch.ts', "The dispatcher's time per message against a bare send + ledger write, and a backlog drained at the configured send rate.", {
  backlog: { kind: 'int', default: 5000, min: 10, help: 'invitations due at once, drained at --rate' },
  rate: { kind: 'int', default: 14, min: 1, help: 'the configured send rate, emails per second (SES accounts start at 1–14)' },
  messages: { kind: 'int', default: 300, min: 10, help: 'invitations per round of the per-message comparison (no pacing)' },
  rounds: { kind: 'int', default: 3, min: 1, help: 'rounds of the per-message comparison, alternating with the baseline' },
  templates: { kind: 'int', default: 24, min: 3, help: 'participants enrolled through the use case, whose items are copied for all the others' },
});

/** A Tuesday in November, 10:00 in London (UTC): enrolled now, the invitation is due at once. */
const ENROLLED = Date.parse('2025-11-25T10:00:00.000Z');
const pad = (n: number) => String(n).padStart(6, '0');

/** Passes back to back until one sends nothing; the reports added up. */
async function drain(deps: AppDeps, onPass?: (sent: number, started: number, ended: number) => void): Promise<Record<string, number>> {
  const total: Record<string, number> = {};
  for (let pass = 0; pass < 1000; pass++) {
    const started = performance.now();
    const report = (await runDispatch(deps)) as unknown as Record<string, number>;
    onPass?.(report.sent ?? 0, started, performance.now());
    for (const [k, v] of Object.entries(report)) total[k] = (total[k] ?? 0) + v;
    if ((report.sent ?? 0) === 0) break;
  }
  return total;
}

/** The most sends in any window [t, t + ms), and how many sends closed a window holding more than `allowed`. */
function busiest(times: number[], ms: number, allowed: number): { most: number; over: number } {
  let most = 0;
  let over = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= ms) i++;
    most = Math.max(most, j - i + 1);
    if (j - i + 1 > allowed) over++;
  }
  return { most, over };
}

async function main(): Promise<void> {
  const report = new Report(
    'dispatch',
    'Dispatch: time per message against a bare send + ledger write; a backlog drained at the configured send rate',
    `runDispatch (functions/use-cases/dispatch.ts and dispatcher/) with buildDependencies' repositories and the real SES mailer, dynalite and the SES emulator in a process of their own, clock fixed at ${new Date(ENROLLED + 60_000).toISOString()}; ` +
      `${opts.templates} demo-study participants enrolled through the enrolment use case, every other one a copy of their items under a new code and address (bench/lib/clone.ts); ` +
      `per-message comparison: ${opts.rounds} rounds of ${opts.messages} invitations with no pacing, alternating with as many SendEmail + conditional UpdateItem at the dispatcher's own concurrency; ` +
      `backlog: ${fmtInt(opts.backlog)} invitations due at once, passes back to back at ${opts.rate} emails/s, each send's time taken as the dispatcher calls the mailer.`,
  );
  const db = recordDynamoCalls();
  const stack = await startLocalStack();
  try {
    let at = ENROLLED;
    const clock = { now: () => new Date(at) };
    const ses = { region: stack.config.AWS_REGION, endpoint: stack.env.SES_ENDPOINT };
    const realMailer = createSesMailer(ses);
    const sends: number[] = [];
    let sample: OutgoingEmail | undefined;
    const mailer: Mailer = {
      send: (email) => {
        sends.push(performance.now());
        sample ??= email;
        // A failed send is counted by the pass; its reason is shown here, so an invalid run says why.
        return realMailer.send(email).catch((error: unknown) => {
          report.log(`a send failed: ${error instanceof Error ? error.message : String(error)}`);
          throw error;
        });
      },
    };
    const fast = stack.deps({ clock, mailer, dispatch: { maxSendRate: Infinity, sleep: async () => {} } });
    const paced = stack.deps({ clock, mailer, dispatch: { maxSendRate: opts.rate } });

    report.log(`enrolling ${opts.templates} template participants through the use case`);
    const codes = await enrol(fast, demoStudy.id, opts.templates, { arms: demoStudy.arms.map((a) => a.id), emailPrefix: 'tpl', codes: (i) => `TPL-${String(i + 1).padStart(2, '0')}` });
    const templates = await snapshot(stack.db, codes.map((code, i) => ({ code, email: emailOf('tpl', i) })));
    report.check(templates.every((t) => t.items.length > 3), 'a template participant has hardly any items');
    at = ENROLLED + 60_000;
    const warm = await drain(fast);
    report.check(warm.sent === opts.templates, `the warm-up pass sent ${warm.sent} invitations, expected ${opts.templates}`);
    let groups = 0;
    const clones = async (n: number, prefix: string) => {
      const written = await writeClones(stack.db, templates, n, { code: (i) => `${prefix}-${pad(i + 1)}`, email: (i) => emailOf(prefix.toLowerCase(), i) }, { log: (l) => report.log(l) });
      groups++;
      return written;
    };

    // ---- Per message: the dispatcher against one bare send + one conditional ledger write ----
    const sesClient = createSesClient(ses);
    const email = sample!;
    const concurrency = fast.dispatch.concurrency;
    let baselineRound = 0;
    const dispatcherRound = async () => {
      await clones(opts.messages, `M${groups}`);
      db.recording = true;
      let sent = 0;
      const ms = await time(async () => (sent = (await drain(fast)).sent ?? 0));
      db.recording = false;
      report.check(sent === opts.messages, `a round sent ${sent} invitations, expected ${opts.messages}`);
      return ms / opts.messages;
    };
    const baseline = async () => {
      const round = baselineRound++;
      const keys = Array.from({ length: opts.messages }, (_, i) => ({ pk: 'BENCH#LEDGER', sk: `${round}#${pad(i)}` }));
      for (let b = 0; b < keys.length; b += 25) {
        await stack.db.doc.send(new BatchWriteCommand({ RequestItems: { [stack.db.tables.research]: keys.slice(b, b + 25).map((k) => ({ PutRequest: { Item: { ...k, status: 'claimed' } } })) } }));
      }
      const ms = await time(() =>
        pool(keys, concurrency, async (key) => {
          const { MessageId } = await sesClient.send(
            new SendEmailCommand({ Source: email.from, Destination: { ToAddresses: email.to }, Message: { Subject: { Data: email.subject }, Body: { Text: { Data: email.text }, Html: { Data: email.html } } } }),
          );
          await stack.db.doc.send(
            new UpdateCommand({
              TableName: stack.db.tables.research,
              Key: key,
              UpdateExpression: 'SET #s = :sent, providerId = :id, sentAt = :at',
              ConditionExpression: '#s = :claimed',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':sent': 'sent', ':claimed': 'claimed', ':id': MessageId, ':at': clock.now().toISOString() },
            }),
          );
        }),
      );
      return ms / opts.messages;
    };
    // The requests docs/scheduling.md's guarantees need for one invitation, made bare at the same
    // concurrency, with none of the dispatcher's own work: the claim, the send as the product must
    // make it (raw MIME through the real mailer: unsubscribe headers, a stable Message-ID), then the
    // ledger's `sent`, the feedback index and the instance's opening. Its ratio to the baseline is
    // what the guarantees cost before any code runs; the dispatcher's to it, what the code adds.
    let floorRound = 0;
    const floor = async () => {
      const round = floorRound++;
      const keys = Array.from({ length: opts.messages }, (_, i) => ({ message: { pk: 'BENCH#FLOOR', sk: `${round}#MESSAGE#${pad(i)}` }, instance: { pk: 'BENCH#FLOOR', sk: `${round}#INSTANCE#${pad(i)}` } }));
      const items = keys.flatMap((k) => [{ ...k.message, status: 'pending' }, { ...k.instance, status: 'scheduled' }]);
      for (let b = 0; b < items.length; b += 25) {
        await stack.db.doc.send(new BatchWriteCommand({ RequestItems: { [stack.db.tables.research]: items.slice(b, b + 25).map((Item) => ({ PutRequest: { Item } })) } }));
      }
      const transition = (key: Record<string, string>, from: string, to: string, extra: Record<string, unknown> = {}) =>
        stack.db.doc.send(
          new UpdateCommand({
            TableName: stack.db.tables.research,
            Key: key,
            UpdateExpression: `SET #s = :to${Object.keys(extra).map((k) => `, ${k} = :${k}`).join('')}`,
            ConditionExpression: '#s = :from',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':to': to, ':from': from, ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [`:${k}`, v])) },
          }),
        );
      const ms = await time(() =>
        pool(keys, concurrency, async (key, i) => {
          await transition(key.message, 'pending', 'claimed', { leaseUntil: clock.now().getTime() + 60_000 });
          const { messageId: providerId } = await realMailer.send({ ...email, to: [emailOf('floor', round * opts.messages + i)] });
          await Promise.all([
            transition(key.message, 'claimed', 'sent', { providerId, sentAt: clock.now().toISOString() }),
            stack.db.doc.send(new PutCommand({ TableName: stack.db.tables.research, Item: { pk: `BENCH#SES#${providerId}`, sk: 'SES', message: key.message.sk }, ConditionExpression: 'attribute_not_exists(pk)' })),
            transition(key.instance, 'scheduled', 'open', { openedAt: clock.now().toISOString() }),
          ]);
        }),
      );
      return ms / opts.messages;
    };
    report.log(`per message: ${opts.rounds} rounds of ${opts.messages}, alternating`);
    db.reset();
    const perMessage = await alternate({ dispatcher: dispatcherRound, baseline, floor }, { rounds: opts.rounds, progress: (r) => report.log(`round ${r}/${opts.rounds}`) });
    report.recordUsage('message sent', db.usage(opts.rounds * opts.messages, { emails: 1, sequential: undefined, ms: stats(perMessage.dispatcher).median }));
    const commands = db.commands(opts.rounds * opts.messages);
    const targets = db.targets(opts.rounds * opts.messages);

    // ---- The backlog, at the configured rate ----
    report.log(`writing a backlog of ${fmtInt(opts.backlog)} due invitations`);
    await clones(opts.backlog, 'B');
    sends.length = 0;
    const passes: Array<{ sent: number; ms: number }> = [];
    report.log(`draining it at ${opts.rate} emails/s (about ${Math.ceil(opts.backlog / opts.rate)} s)`);
    const drained = await db.measure(() => drain(paced, (sent, started, ended) => (passes.push({ sent, ms: ended - started }), report.log(`pass ${passes.length}: ${sent} sent in ${fmtMs(ended - started)}`))));
    const backlogUsage = db.usage(opts.backlog);
    const busy = passes.filter((p) => p.sent > 0);
    report.check(drained.sent === opts.backlog, `the backlog passes sent ${drained.sent}, expected ${opts.backlog}`);
    for (const k of ['skipped', 'failed', 'retried']) report.check((drained[k] ?? 0) === 0, `the backlog passes report ${drained[k]} ${k}`);
    const store = (await (await fetch(`${stack.env.SES_ENDPOINT}/store`)).json()) as { emails: Array<{ destination: { to: string[] } }> };
    const received = new Set(store.emails.flatMap((e) => e.destination.to).filter((to) => /^b-\d+@/.test(to)));
    report.check(received.size === opts.backlog, `the SES emulator holds ${received.size} distinct backlog recipients, expected ${opts.backlog}`);
    const span = (sends.at(-1)! - sends[0]!) / 1000;
    const rate = (sends.length - 1) / span;
    const second = busiest(sends, 1000, opts.rate);
    const tenSeconds = busiest(sends, 10_000, 10 * opts.rate);

    // ---- An empty pass: what the every-minute schedule costs when nothing is due ----
    const emptyMs: number[] = [];
    await db.measure(async () => {
      for (let i = 0; i < 5; i++) emptyMs.push(await time(async () => report.check(((await runDispatch(fast)) as { sent: number }).sent === 0, 'an empty pass sent something')));
    });
    report.recordUsage('empty pass', db.usage(5, { ms: stats(emptyMs).median }));
    report.recordUsage('backlog message (paced passes)', { ...backlogUsage, emails: 1, sequential: undefined });

    // ---- Report ----
    const [d, b, f] = [stats(perMessage.dispatcher), stats(perMessage.baseline), stats(perMessage.floor)];
    report.section(
      `Per message, ${opts.rounds} rounds of ${opts.messages} (no pacing; time per message of each round)`,
      table(['path', 'median (p90, min–max)'], [['runDispatch passes: due query, claim, checks, render, send, ledger', fmtSpread(d)], [`baseline: SendEmail + conditional UpdateItem, ${concurrency} in flight`, fmtSpread(b)], [`floor: what the guarantees need, bare: claim, raw send (the product's mailer), then sent + feedback index + instance open; ${concurrency} in flight`, fmtSpread(f)]]) +
        `\nfloor ÷ baseline: ${(f.median / b.median).toFixed(2)}× (the guarantees' requests); dispatcher ÷ floor: ${(d.median / f.median).toFixed(2)}× (the dispatcher's own work)` +
        `\ndispatcher's DynamoDB calls per message: ${commands}` +
        `\nby the kind of item they touch (bench/README.md#dispatch accounts for each): ${targets}`,
    );
    report.section(
      `Backlog of ${fmtInt(opts.backlog)} at ${opts.rate} emails/s`,
      table(
        ['measure', 'value'],
        [
          ['passes (back to back) / with sends', `${passes.length} / ${busy.length} (each stops after its ${fast.dispatch.passBudgetMs / 1000} s budget)`],
          ['sends timed', fmtInt(sends.length)],
          ['first to last send', `${span.toFixed(1)} s`],
          ['mean rate', `${rate.toFixed(2)} emails/s`],
          ['busiest one-second window', `${second.most} sends (${second.over} of ${fmtInt(sends.length)} sends closed a one-second window holding more than ${opts.rate})`],
          ['busiest ten-second window', `${tenSeconds.most} sends (${tenSeconds.over} closed one holding more than ${10 * opts.rate})`],
          ['in AWS (a pass a minute, each stopping at its budget)', `about ${Math.ceil(opts.backlog / (opts.rate * (fast.dispatch.passBudgetMs / 1000)))} min for this backlog (${fmtInt(opts.rate * 60 * (fast.dispatch.passBudgetMs / 60_000))} emails a minute)`],
        ],
      ),
    );
    report.section('DynamoDB per operation (RRU/WRU as billed on demand, see bench/lib/db-calls.ts)', report.usageTable());
    const ratio = d.median / b.median;
    report.target({ name: "dispatcher's time per message, median of rounds", measured: `${fmtMs(d.median)}; the guarantees' requests alone ${fmtMs(f.median)} (${(f.median / b.median).toFixed(2)}× the baseline)`, baseline: `${fmtMs(b.median)} (SendEmail + conditional UpdateItem)`, ratio, goal: '≤ 1.5× the baseline', met: ratio <= 1.5 });
    report.target({ name: `backlog of ${fmtInt(opts.backlog)}: busiest one-second window`, measured: `${second.most} sends`, baseline: `${opts.rate}/s configured`, ratio: second.most / opts.rate, goal: `≤ ${opts.rate}, wherever the window starts`, met: second.most <= opts.rate });
    report.target({ name: `backlog of ${fmtInt(opts.backlog)}: busiest ten-second window`, measured: `${tenSeconds.most} sends`, baseline: `${opts.rate}/s configured`, ratio: tenSeconds.most / (10 * opts.rate), goal: `≤ ${10 * opts.rate}, wherever the window starts`, met: tenSeconds.most <= 10 * opts.rate });
    report.target({ name: `backlog of ${fmtInt(opts.backlog)}: drain rate`, measured: `${rate.toFixed(2)} emails/s`, baseline: `${opts.rate}/s configured`, ratio: rate / opts.rate, goal: '≥ 0.95× the configured rate', met: rate >= 0.95 * opts.rate });
    report.note(`backlog verified: ${fmtInt(drained.sent ?? 0)} sent, none skipped, failed or retried; the SES emulator received ${fmtInt(received.size)} distinct backlog recipients`);
  } finally {
    await stack.stop();
  }
  report.finish(opts.json);
}

run(main);
