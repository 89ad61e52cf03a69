/**
 * The enrolled population of the dispatch benchmark (bench/dispatch.ts): one study and N
 * participants whose research and contacts items look exactly like what the application leaves
 * behind for them, built with the real key module and the real planner.
 *
 * - Most participants ("background") were enrolled 1–49 days before `now`. Their items are what
 *   enrolment, planning and earlier dispatcher passes leave: the participant; one instance per
 *   timepoint of their arm (baseline, and week 8 for the two trial arms); the invitation and two
 *   reminders of each. Messages whose time has passed are `sent` (as markSent leaves them, out of
 *   the due index); the rest are `planned` with their due-index entry (all in the future). An
 *   instance whose window has closed is `expired` (out of the index); an open or scheduled one
 *   waits in the index for its expiry. So nothing of theirs is due at `now`. They are written
 *   with BatchWriteItem: going through the use cases would take hours in dynalite.
 * - "Due" participants enrolled today after 09:00 (local = UTC in November), so their baseline
 *   invitation, planned at the enrolment instant, is due at `now`. "Warm-up" participants
 *   enrolled today before 09:00: their invitation falls due at 09:00, for a warm-up dispatcher
 *   pass before the measured ones. Both are enrolled through the real repositories, as
 *   enrolParticipant does (reserve email, store contact, create, planAndStore, clear the plan
 *   request), without the audit entry.
 *
 * Deliberately absent: audit entries, and the link, unsubscribe and SES-id items the earlier
 * sends would have left. None carries a due-index entry, so the due query reads the same either
 * way; they would only make the full Scan read more (the Scan/index ratio is conservative).
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../../functions/adapters/dynamodb/client';
import { keys } from '../../functions/adapters/dynamodb/keys';
import { planParticipant } from '../../functions/core/schedule/plan';
import type { Protocol, Participant, Study } from '../../functions/core/study/study';
import type { Deps } from '../../functions/use-cases/deps';
import { planAndStore } from '../../functions/use-cases/plan-participant';

export type Role = 'background' | 'due' | 'warmup';

export interface Member {
  index: number;
  code: string;
  email: string;
  role: Role;
  participant: Participant;
}

const DAY = 86_400_000;

/** mulberry32: a small 32-bit PRNG; same seed, same population. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The code the participant counter gives the n-th participant (1-based). */
export const codeOf = (n: number) => `P-${String(n).padStart(4, '0')}`;
export const emailOf = (code: string) => `${code.toLowerCase()}@participants.example.org`;

/** Today's 09:00 UTC before `now` (the demo study's send time; Europe/London is UTC in winter). */
export function nineAm(now: Date): Date {
  const d = new Date(now);
  d.setUTCHours(9, 0, 0, 0);
  return d;
}

/**
 * Who is who: `due` and `warmup` members spread evenly over the codes (every k-th), so their
 * items are interleaved with everyone else's in the table, arms assigned round-robin.
 */
export function population(study: Study, options: { participants: number; due: number; warmup: number; now: Date; seed: number }): Member[] {
  const { participants: n, due, warmup, now } = options;
  const random = mulberry32(options.seed);
  const special = due + warmup;
  const stride = special > 0 ? n / special : 1;
  if (special > n) throw new Error(`population: --due + --warmup (${special}) exceeds --participants (${n})`);
  const roles: Role[] = new Array(n).fill('background');
  // Bresenham-style: exactly `warmup` of the special slots are warm-ups, spread evenly among them.
  for (let k = 0; k < special; k++) {
    const warm = Math.floor(((k + 1) * warmup) / special) > Math.floor((k * warmup) / special);
    roles[Math.floor(k * stride)] = warm ? 'warmup' : 'due';
  }

  const nine = nineAm(now).getTime();
  const members: Member[] = [];
  for (let i = 0; i < n; i++) {
    const role = roles[i]!;
    let enrolled: number;
    if (role === 'due') enrolled = nine + 1000 + Math.floor(random() * (now.getTime() - nine - 1000)); // after 09:00, up to now
    else if (role === 'warmup') enrolled = nine - 3 * 3_600_000 + Math.floor(random() * 3 * 3_600_000 - 1000); // 06:00–08:59
    else enrolled = now.getTime() - DAY - Math.floor(random() * 48 * DAY); // 1–49 days ago
    const code = codeOf(i + 1);
    members.push({
      index: i,
      code,
      email: emailOf(code),
      role,
      participant: {
        studyId: study.id,
        code,
        arm: study.arms[i % study.arms.length]!.id,
        timezone: study.timezone,
        status: 'active',
        enrolledAt: new Date(enrolled).toISOString(),
        protocolVersion: study.protocol.version,
        dates: {},
      },
    });
  }
  return members;
}

type Item = Record<string, unknown>;

/**
 * The research items of one background participant as they stand at `asOf`: what enrolment,
 * planning and the dispatcher passes up to then have written (see the file comment).
 */
export function researchItems(protocol: Protocol, participant: Participant, asOf: Date, claimant: string): Item[] {
  const at = asOf.toISOString();
  const items: Item[] = [{ ...keys.participant(participant.studyId, participant.code), type: 'participant', ...participant, rev: 1 }];
  const plan = planParticipant(protocol, participant);
  for (const instance of plan.instances) {
    const key = keys.instance(instance.studyId, instance.code, instance.timepoint);
    const invitation = plan.messages.find((m) => m.timepoint === instance.timepoint && m.kind === 'invitation');
    const invited = invitation !== undefined && invitation.sendAt <= at;
    const item: Item = {
      ...key,
      type: 'instance',
      studyId: instance.studyId,
      code: instance.code,
      timepoint: instance.timepoint,
      arm: instance.arm,
      dueAt: instance.dueAt,
      opensAt: instance.opensAt,
      closesAt: instance.closesAt,
      instruments: instance.instruments,
      status: 'scheduled',
      ...(invited ? { status: 'open', openedAt: invitation.sendAt } : {}),
    };
    if (instance.closesAt <= at) Object.assign(item, { status: 'expired', endedAt: instance.closesAt, endReason: 'window closed' });
    else Object.assign(item, keys.due('EXPIRE', instance.closesAt, key));
    items.push(item);
  }
  for (const message of plan.messages) {
    const key = keys.message(message.studyId, message.code, message.timepoint, message.kind, message.n);
    const base = { ...key, type: 'message', ...message, notBefore: message.sendAt };
    items.push(
      message.sendAt <= at
        ? {
            ...base,
            status: 'sent',
            claimedBy: claimant,
            claimedAt: message.sendAt,
            attempts: 1,
            providerId: `bench-history-${message.code}-${message.timepoint}-${message.kind}-${message.n}`,
            sentAt: message.sendAt,
          }
        : { ...base, status: 'planned', ...keys.due('MESSAGE', message.sendAt, key) },
    );
  }
  return items;
}

/** The contacts-table items of one participant: the contact and the email reservation. */
export function contactItems(member: Member): Item[] {
  const { studyId, code, enrolledAt } = member.participant;
  return [
    { ...keys.contact(studyId, code), type: 'contact', email: member.email },
    { ...keys.emailReservation(studyId, member.email), type: 'email-reservation', code, reservedAt: enrolledAt },
  ];
}

/** Runs `task` over `inputs` with at most `concurrency` in flight. */
export async function pool<T>(inputs: readonly T[], concurrency: number, task: (input: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const i = next++;
      await task(inputs[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, inputs.length) }, worker));
}

/** BatchWriteItem, 25 items per call, `concurrency` calls in flight, unprocessed items retried. */
export async function batchWrite(db: Db, table: string, items: Item[], concurrency: number, onProgress?: (written: number) => void): Promise<void> {
  const batches: Item[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let written = 0;
  await pool(batches, concurrency, async (batch) => {
    let requests: Record<string, unknown>[] = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
      if (attempt > 10) throw new Error('BatchWriteItem: items still unprocessed after 10 retries');
      const { UnprocessedItems } = await db.doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests as never } }));
      requests = (UnprocessedItems?.[table] ?? []) as Record<string, unknown>[];
    }
    written += batch.length;
    onProgress?.(written);
  });
}

/** Enrols one participant through the real repositories, as enrolParticipant does (minus the audit entry). */
export async function enrolThroughRepositories(
  deps: Pick<Deps, 'studies' | 'participants' | 'contacts' | 'instances' | 'messages' | 'clock'>,
  member: Member,
): Promise<void> {
  const { studyId, code, enrolledAt } = member.participant;
  const reservation = await deps.contacts.reserveEmail(studyId, member.email, code, new Date(enrolledAt));
  if (!reservation.ok) throw new Error(`email of ${code} already reserved`);
  await deps.contacts.putContact(studyId, code, member.email);
  await deps.participants.create(member.participant);
  await planAndStore(deps, studyId, code);
  await deps.participants.clearPlanRequest(studyId, code, enrolledAt);
}
