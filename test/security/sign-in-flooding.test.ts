import { beforeAll, describe, expect, it } from 'vitest';
import { SIGN_IN_EMAILS_PER_ADDRESS, SIGN_IN_REQUESTS_PER_CLIENT } from '../../functions/use-cases/sign-in';
import { createTestContext, type TestContext } from '../helpers/test-context';

/**
 * Flooding a staff mailbox through `POST /api/auth/login`, probing which addresses are staff
 * through its answers, and using up a sign-in link by merely fetching it (as mail scanners do).
 */
let t: TestContext;
let address = 'office-network';

beforeAll(async () => {
  t = await createTestContext({ now: '2026-03-02T10:00:00.000Z' });
  t.deps.clientAddress = () => address;
});

const login = (email: string) => t.request('POST', '/api/auth/login', { body: { email } });
const codesIn = async (email: string) => (await t.inbox(email)).map((m) => /#code=([\w-]+)/.exec(m.body.text)![1]!);
const verify = (code: string) => t.request('POST', '/api/auth/verify', { body: { code } });
const staff = async (email: string) => t.deps.staff.put({ email, name: email, role: 'coordinator', studies: ['demo'] });

describe('one address asked for again and again', () => {
  it(`sends at most ${SIGN_IN_EMAILS_PER_ADDRESS} emails for 30 requests, and only the newest code signs in`, async () => {
    await staff('flooded@signin.test');
    address = 'flooder-1';
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await login('flooded@signin.test')).status);
    const codes = await codesIn('flooded@signin.test');
    console.log(`sign-in flooding: ${codes.length} emails for 30 requests`);
    expect(codes).toHaveLength(SIGN_IN_EMAILS_PER_ADDRESS);
    expect(statuses).toEqual([...Array(SIGN_IN_EMAILS_PER_ADDRESS).fill(202), ...Array(30 - SIGN_IN_EMAILS_PER_ADDRESS).fill(429)]);
    // Each new code made the older unused ones useless.
    for (const older of codes.slice(0, -1)) expect((await verify(older)).status).toBe(401);
    expect((await verify(codes.at(-1)!)).status).toBe(200);
  });

  it(`sends at most ${SIGN_IN_EMAILS_PER_ADDRESS} emails for 30 requests sent at once`, async () => {
    await staff('burst@signin.test');
    address = 'flooder-2';
    const statuses = (await Promise.all(Array.from({ length: 30 }, () => login('burst@signin.test')))).map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(SIGN_IN_EMAILS_PER_ADDRESS);
    expect(await t.inbox('burst@signin.test')).toHaveLength(SIGN_IN_EMAILS_PER_ADDRESS);
    const codes = await codesIn('burst@signin.test');
    // Exactly one of them (the last one stored) still works.
    const outcomes = [];
    for (const code of codes) outcomes.push((await verify(code)).status);
    expect(outcomes.filter((s) => s === 200)).toHaveLength(1);
  });

  it('answers exactly alike, request by request, whether or not the address is a staff account', async () => {
    await staff('known@signin.test');
    address = 'prober';
    const answers = async (email: string) => {
      const seen = [];
      for (let i = 0; i < SIGN_IN_EMAILS_PER_ADDRESS + 2; i++) {
        const response = await login(email);
        seen.push({ status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() });
      }
      return seen;
    };
    const known = await answers('known@signin.test');
    const unknown = await answers('nobody@signin.test');
    expect(unknown).toEqual(known);
    expect(known.at(-1)).toMatchObject({ status: 429, body: { error: { code: 'too_many_requests', message: expect.stringMatching(/this address/) } } });
    expect(await t.inbox('nobody@signin.test')).toHaveLength(0);
  });
});

describe('one client asking for many addresses', () => {
  it(`is stopped after ${SIGN_IN_REQUESTS_PER_CLIENT} requests, whatever the addresses, while another client is not`, async () => {
    address = 'sprayer';
    for (let i = 0; i < SIGN_IN_REQUESTS_PER_CLIENT; i++) expect((await login(`target-${i}@signin.test`)).status).toBe(202);
    const refused = await login('one-more@signin.test');
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { message: expect.stringMatching(/from your connection/) } });
    address = 'elsewhere';
    expect((await login('one-more@signin.test')).status).toBe(202);
  });

  it('lets a hospital whose staff share one public address sign in, each of them several times', async () => {
    address = 'hospital-nat';
    for (let person = 0; person < 12; person++) {
      const email = `ward-${person}@signin.test`;
      await staff(email);
      for (let attempt = 0; attempt < 3; attempt++) expect((await login(email)).status).toBe(202);
      expect(await t.inbox(email)).toHaveLength(3);
    }
  });
});

describe('a mail scanner fetching the sign-in link', () => {
  it('uses nothing up: the code travels only in the fragment, which no request carries', async () => {
    await staff('scanned@signin.test');
    address = 'scanner';
    expect((await login('scanned@signin.test')).status).toBe(202);
    const link = new URL(/(https:\/\/\S+\/staff\/sign-in#code=[\w-]+)/.exec((await t.inbox('scanned@signin.test')).at(-1)!.body.text)![1]!);
    expect(link.hash).toMatch(/^#code=/);
    expect(link.pathname + link.search).not.toContain(link.hash.slice('#code='.length));
    // What a scanner sends (the fragment never leaves the client): twice, as some do.
    for (let i = 0; i < 2; i++) await t.app.request(link.pathname + link.search);
    // The person's click still signs them in.
    expect((await verify(link.hash.slice('#code='.length))).status).toBe(200);
  });
});
