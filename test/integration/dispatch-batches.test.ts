import { describe, expect, it } from 'vitest';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { injectFaults } from '../helpers/fault-injection';
import { createTestContext } from '../helpers/test-context';

// Monday 2 March 2026, 07:00 in London: enrolled before 09:00, so the invitations fall due at 09:00, together.
const MONDAY_7AM = '2026-03-02T07:00:00.000Z';

/** The kind of item a DynamoDB call touches (`MESSAGE`, `CONTACT`, `LINK`), from its key, item or batch; plain or marshalled values. */
function kinds(input: Record<string, unknown>): string[] {
  const plain = (v: unknown) => String(typeof v === 'object' && v !== null ? (v as { S?: unknown }).S : v);
  const kindOf = (key: Record<string, unknown> | undefined) => {
    const [pk, sk] = [plain(key?.pk), plain(key?.sk)];
    return sk.includes('#') && !/^\d{4}-/.test(sk) ? sk.slice(0, sk.indexOf('#')) : pk.split('#')[0]!;
  };
  if (input.Key || input.Item) return [kindOf((input.Key ?? input.Item) as Record<string, unknown>)];
  const batches = Object.values((input.RequestItems ?? {}) as Record<string, unknown>);
  return batches.flatMap((r) =>
    Array.isArray(r)
      ? r.map((w: { PutRequest?: { Item?: Record<string, unknown> } }) => kindOf(w.PutRequest?.Item))
      : ((r as { Keys?: Array<Record<string, unknown>> }).Keys ?? []).map(kindOf),
  );
}

describe('the dispatcher sends a batch', () => {
  it('checking its recipients with one batched read a table, storing its links and audit entries in batched writes, one claim and one ledger write an email', async () => {
    const t = await createTestContext({ now: MONDAY_7AM });
    const people = [];
    for (let i = 0; i < 6; i++) people.push(await t.enrol({ arm: 'mbpm' }, 'batch'));
    // Planned now, nothing due before 09:00.
    expect(await runDispatch(t.deps)).toMatchObject({ sent: 0 });

    t.clock.advance(2 * 3_600_000 + 60_000);
    const calls: string[] = [];
    const seen = (command: string) => (input: Record<string, unknown>) => {
      calls.push(`${command.replace(/Command$/, '')} ${[...new Set(kinds(input))].sort().join('+')}`);
      return false;
    };
    const counter = injectFaults(
      t.db.raw,
      ['GetItemCommand', 'BatchGetItemCommand', 'PutItemCommand', 'BatchWriteItemCommand', 'UpdateItemCommand', 'DeleteItemCommand'].map((command) => ({ command, fault: 'throttle' as const, when: seen(command) })),
    );
    const report = await runDispatch(t.deps);
    counter.remove();
    expect(report).toMatchObject({ sent: 6, skipped: 0, failed: 0 });
    for (const { email } of people) expect(await t.inbox(email)).toHaveLength(1);
    const count = (call: string) => calls.filter((c) => c === call).length;

    // The checks: one consistent batched read of each table, none per message.
    expect(count('BatchGetItem INSTANCE+PARTICIPANT')).toBe(1);
    expect(count('BatchGetItem CONTACT')).toBe(1);
    expect(calls.filter((c) => /^GetItem (PARTICIPANT|INSTANCE|CONTACT)$/.test(c))).toEqual([]);
    // The links: one batched write of the twelve, none on their own.
    expect(count('BatchWriteItem LINK+UNSUB')).toBe(1);
    expect(calls.filter((c) => /^PutItem (LINK|UNSUB)$/.test(c))).toEqual([]);
    // The audit: parked once for the batch, appended once, dropped once.
    expect(count('PutItem PENDING_AUDIT')).toBe(1);
    expect(count('BatchWriteItem AUDIT')).toBe(1);
    expect(count('DeleteItem PENDING_AUDIT')).toBe(1);
    expect(count('PutItem AUDIT')).toBe(0);
    // Per email: its claim and its `sent` write, the feedback index, and the invitation's instance opened.
    expect(count('UpdateItem MESSAGE')).toBe(12);
    expect(count('PutItem SES')).toBe(6);
    expect(count('UpdateItem INSTANCE')).toBe(6);

    // And the trail shows every email sent, once.
    const sent = (await t.deps.audit.list('study:demo')).filter((e) => e.action === 'message.sent');
    for (const { code } of people) expect(sent.filter((e) => e.target === `instance:${code}/baseline`)).toHaveLength(1);
    expect((await t.scan('research')).filter((i) => String(i.pk).startsWith('PENDING_AUDIT#'))).toEqual([]);
  });
});
