import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/dynamodb/keys';
import { commandsDuring } from '../helpers/db-commands';
import { createTestContext, type TestContext } from '../helpers/test-context';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ now: '2026-03-02T10:00:00.000Z' });
});

const WINDOW = 10 * 60_000;
const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const freshKey = () => `test:${randomBytes(6).toString('hex')}`;
const countsHeld = async (key: string) => {
  const { Item = {} } = await t.db.doc.send(new GetCommand({ TableName: t.db.tables.research, Key: keys.rate(key), ConsistentRead: true }));
  return Object.keys(Item).filter((name) => /^c\d+$/.test(name)).sort();
};

describe('attempt counts in DynamoDB (the rate limits of docs/security.md §3)', () => {
  it('an attempt is one UpdateItem that returns both windows, and so is giving it back', async () => {
    const key = freshKey();
    await t.deps.rateLimits.hit(key, WINDOW, new Date(T0 + 60_000));
    expect(await commandsDuring(t.db, () => t.deps.rateLimits.hit(key, WINDOW, new Date(T0 + WINDOW + 60_000)))).toEqual(['UpdateItemCommand']);
    expect(await commandsDuring(t.db, () => t.deps.rateLimits.refund(key, T0 + WINDOW, WINDOW))).toEqual(['UpdateItemCommand']);
  });

  it('holds at most the current and previous windows, however sparse the attempts', async () => {
    const key = freshKey();
    for (const window of [0, 1, 2, 5, 9, 10]) await t.deps.rateLimits.hit(key, WINDOW, new Date(T0 + window * WINDOW + 60_000));
    expect(await countsHeld(key)).toEqual([`c${T0 + 9 * WINDOW}`, `c${T0 + 10 * WINDOW}`]);
    // A late refund for a window long gone leaves a count the next attempt tidies away.
    await t.deps.rateLimits.refund(key, T0, WINDOW);
    expect((await t.deps.rateLimits.hit(key, WINDOW, new Date(T0 + 10 * WINDOW + 60_000))).count).toBe(2 + 1);
    expect(await countsHeld(key)).toEqual([`c${T0 + 9 * WINDOW}`, `c${T0 + 10 * WINDOW}`]);
  });

  it('never tidies away a newer window than its own (another function whose clock is a moment ahead)', async () => {
    const key = freshKey();
    await t.deps.rateLimits.hit(key, WINDOW, new Date(T0 + WINDOW + 1));
    await t.deps.rateLimits.hit(key, WINDOW, new Date(T0 + WINDOW - 1));
    expect(await countsHeld(key)).toEqual([`c${T0}`, `c${T0 + WINDOW}`]);
  });
});
