import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROBE_LIMIT, PROBE_WINDOW_MS } from '../../functions/http/probing';
import { createTestContext, type TestContext } from '../helpers/test-context';

/**
 * Guessing secrets (participant links, unsubscribe links, sign-in codes): each purpose has its
 * own atomic counter per client with a sliding window. Attacked with concurrent guesses (all must
 * be counted, none may slip past the limit), with guesses timed around a window boundary, and by
 * locking one purpose out to see whether the other still works.
 */
let t: TestContext;
let address = 'attacker';

beforeAll(async () => {
  t = await createTestContext({ now: '2026-03-02T10:00:00.000Z' });
  t.deps.clientAddress = () => address;
});

const unknownLink = () => randomBytes(32).toString('base64url');
const guesses: Array<[string, () => Response | Promise<Response>, number]> = [
  ['participant links', () => t.request('GET', `/api/p/${unknownLink()}`), 404],
  ['unsubscribe links', () => t.request('POST', `/api/u/${unknownLink()}`), 404],
  ['sign-in codes', () => t.request('POST', '/api/auth/verify', { body: { code: unknownLink() } }), 401],
];

describe.each(guesses)('concurrent guesses at %s', (purpose, guess, miss) => {
  it(`are all counted: of 30 sent at once, ${PROBE_LIMIT} are answered as misses and the rest refused, whatever a look-up found`, async () => {
    address = `burst-${purpose}`;
    const statuses = (await Promise.all(Array.from({ length: 30 }, guess))).map((r) => r.status);
    const looked = statuses.filter((s) => s === miss).length;
    console.log(`${purpose}: ${looked} of 30 concurrent guesses looked up (limit ${PROBE_LIMIT})`);
    expect(looked).toBe(PROBE_LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - PROBE_LIMIT);
    const next = await guess();
    expect(next.status).toBe(429);
    expect(Number(next.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('one purpose locked out', () => {
  it('leaves participant links usable after a client has used up its sign-in code guesses, and the reverse', async () => {
    address = 'setup';
    const participant = await t.invite();
    address = 'mistyped-codes';
    for (let i = 0; i < PROBE_LIMIT; i++) expect((await guesses[2]![1]()).status).toBe(401);
    expect((await guesses[2]![1]()).status).toBe(429);
    // Same client: links still open, and an unknown one is an honest 404, not a lockout.
    expect((await t.request('GET', `/api/p/${participant.token}`)).status).toBe(200);
    expect((await guesses[0]![1]()).status).toBe(404);

    address = 'mistyped-links';
    for (let i = 0; i < PROBE_LIMIT; i++) expect((await guesses[0]![1]()).status).toBe(404);
    expect((await guesses[0]![1]()).status).toBe(429);
    // Same client: a staff member can still sign in with a real code.
    await t.deps.staff.put({ email: 'nurse@limits.test', name: 'Nurse', role: 'coordinator', studies: ['demo'] });
    expect((await t.request('POST', '/api/auth/login', { body: { email: 'nurse@limits.test' } })).status).toBe(202);
    const code = /#code=([\w-]+)/.exec((await t.inbox('nurse@limits.test')).at(-1)!.body.text)![1]!;
    expect((await t.request('POST', '/api/auth/verify', { body: { code } })).status).toBe(200);
  });

  it('leaves every other client alone', async () => {
    address = 'noisy-neighbour';
    for (let i = 0; i <= PROBE_LIMIT; i++) await guesses[0]![1]();
    expect((await guesses[0]![1]()).status).toBe(429);
    address = 'quiet-neighbour';
    expect((await guesses[0]![1]()).status).toBe(404);
  });

  it('does not count what worked: a participant opening their link again and again never gets locked out', async () => {
    address = 'setup';
    const participant = await t.invite();
    address = 'keen-participant';
    for (let i = 0; i < 3 * PROBE_LIMIT; i++) expect((await t.request('GET', `/api/p/${participant.token}`)).status).toBe(200);
    for (let i = 0; i < PROBE_LIMIT; i++) expect((await guesses[0]![1]()).status).toBe(404);
  });
});

describe('a client locked out of links', () => {
  const complete = {
    PHQ9_1: 1, PHQ9_2: 2, PHQ9_3: 1, PHQ9_4: 1, PHQ9_5: 0, PHQ9_6: 1, PHQ9_7: 2, PHQ9_8: 0, PHQ9_9: 3, PHQ9_10: 1,
    GAD7_1: 1, GAD7_2: 1, GAD7_3: 0, GAD7_4: 0, GAD7_5: 2, GAD7_6: 1, GAD7_7: 0,
    PEG_1: 7, PEG_2: 5, PEG_3: 6,
  };

  it('is refused even with a real link (the look-up runs beside the count): opening it, saving, submitting and withdrawing change nothing', async () => {
    address = 'setup';
    const participant = await t.invite();
    address = 'locked-out-with-a-real-link';
    for (let i = 0; i < PROBE_LIMIT; i++) expect((await guesses[0]![1]()).status).toBe(404);
    const link = participant.token;
    const refused = [
      await t.request('GET', `/api/p/${participant.token}`),
      await t.request('PUT', `/api/p/${participant.token}/answers`, { body: { answers: { PHQ9_1: 1 } } }),
      await t.request('POST', `/api/p/${participant.token}/submit`, { body: { answers: complete } }),
      await t.request('POST', '/api/p/submit', { body: { answers: complete }, link }),
      await t.request('POST', '/api/p/submit', { body: { answers: 'not answers' }, link }),
      await t.request('POST', '/api/p/withdraw', { body: {}, link }),
    ];
    expect(refused.map((r) => r.status)).toEqual(refused.map(() => 429));
    const instance = await t.deps.instances.get('demo', participant.code, 'baseline');
    expect(instance).toMatchObject({ status: 'open' });
    expect(instance?.answers ?? {}).toEqual({});
    expect((await t.deps.participants.get('demo', participant.code))?.status).not.toBe('withdrawn');
    // Another connection submits it, with the urgent answer's support text, exactly once.
    address = 'the-participant-at-home';
    const stored = await t.request('POST', '/api/p/submit', { body: { answers: complete }, link });
    expect(stored.status).toBe(200);
    expect(await stored.json()).toMatchObject({ status: 'completed', support: { text: expect.any(String) } });
  });
});

describe('the window slides', () => {
  it('does not hand out a fresh budget at a window boundary: guesses just before it still count just after', async () => {
    const start = Math.ceil(Date.parse('2026-03-03T00:00:00.000Z') / PROBE_WINDOW_MS) * PROBE_WINDOW_MS;
    t.clock.set(new Date(start - 10_000).toISOString());
    address = 'boundary-hopper';
    for (let i = 0; i < PROBE_LIMIT; i++) expect((await guesses[0]![1]()).status).toBe(404);
    t.clock.set(new Date(start + 5_000).toISOString());
    // A fixed window would have reset here; a sliding one still holds almost all of them.
    const refused = await guesses[0]![1]();
    expect(refused.status).toBe(429);
    // And it lets up as they slide out, when Retry-After says.
    t.clock.advance(Number(refused.headers.get('retry-after')) * 1000);
    expect((await guesses[0]![1]()).status).toBe(404);
    t.clock.set('2026-03-02T10:00:00.000Z');
  });
});
