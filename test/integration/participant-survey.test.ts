import { beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/test-context';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ now: '2026-03-02T10:00:00.000Z' });
});

const invited = () => t.invite();

const complete = {
  PHQ9_1: 1, PHQ9_2: 2, PHQ9_3: 1, PHQ9_4: 1, PHQ9_5: 0, PHQ9_6: 1, PHQ9_7: 2, PHQ9_8: 0, PHQ9_9: 0, PHQ9_10: 1,
  GAD7_1: 1, GAD7_2: 1, GAD7_3: 0, GAD7_4: 0, GAD7_5: 2, GAD7_6: 1, GAD7_7: 0, 
  PEG_1: 7, PEG_2: 5, PEG_3: 6,
};

describe('the participant link', () => {
  it('opens the timepoint battery as SurveyJS forms', async () => {
    const { token } = await invited();
    const response = await t.request('GET', `/api/p/${token}`);
    expect(response.status).toBe(200);
    const view = (await response.json()) as Record<string, unknown> & { instruments: Array<{ id: string; version: string; survey: { pages: unknown[] } }> };
    expect(view).toMatchObject({ study: { id: 'demo' }, timepoint: { id: 'baseline', label: 'Baseline' }, status: 'open', answers: {} });
    expect(view.instruments.map((i) => `${i.id}@${i.version}`)).toEqual(['phq9@1.0', 'gad7@1.0', 'peg3@1.0']);
    expect(view.instruments[0]!.survey.pages.length).toBeGreaterThan(0);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('answers 404 for an unknown or malformed token', async () => {
    expect((await t.request('GET', `/api/p/${'A'.repeat(43)}`)).status).toBe(404);
    expect((await t.request('GET', '/api/p/short')).status).toBe(404);
    expect((await t.request('POST', `/api/p/${'A'.repeat(43)}/submit`, { body: { answers: complete } })).status).toBe(404);
  });
});

describe('submitting answers', () => {
  it('scores each instrument, stores answers and scores, and completes the instance', async () => {
    const { token, code } = await invited();
    const response = await t.request('POST', `/api/p/${token}/submit`, { body: { answers: complete } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'completed' });
    const instance = await t.deps.instances.get('demo', code, 'baseline');
    expect(instance?.status).toBe('completed');
    expect(instance?.answers).toEqual(complete);
    const [phq9, gad7, peg3] = instance!.scores!;
    expect(phq9).toMatchObject({ instrument: 'phq9', version: '1.0', scales: { total: { value: 8, band: 'mild', status: 'complete', answered: 9 } }, flags: [] });
    // 1 + 1 + 0 + 0 + 2 + 1 + 0 = 5: mild (5–9).
    expect(gad7).toMatchObject({ instrument: 'gad7', scales: { total: { value: 5, band: 'mild', status: 'complete' } } });
    expect(peg3).toMatchObject({ instrument: 'peg3', scales: { peg: { value: 6, status: 'complete' } } });
    // The link now only shows the completed state: no form, no answers.
    expect(await (await t.request('GET', `/api/p/${token}`)).json()).toMatchObject({ status: 'completed', instruments: [], answers: {} });
  });

  it('refuses a second submission with 409 and changes nothing', async () => {
    const { token, code } = await invited();
    await t.request('POST', `/api/p/${token}/submit`, { body: { answers: complete } });
    const first = await t.deps.instances.get('demo', code, 'baseline');
    const again = await t.request('POST', `/api/p/${token}/submit`, { body: { answers: { ...complete, PHQ9_1: 3 } } });
    expect(again.status).toBe(409);
    expect(await t.deps.instances.get('demo', code, 'baseline')).toEqual(first);
  });

  it.each([
    ['an out-of-range code', { PHQ9_3: 7 }, 'answers.PHQ9_3', /7 is not an allowed code/],
    ['a rating above the scale', { PEG_2: 15 }, 'answers.PEG_2', /outside 0–10/],
    ['a string where the code is a number', { PHQ9_3: '2' }, 'answers.PHQ9_3', /expected a number/],
    ['a fractional rating', { PEG_1: 6.5 }, 'answers.PEG_1', /not a whole number/],
    ['an item that is not in the battery', { BDI2_1: 2 }, 'answers.BDI2_1', /not an item of this questionnaire/],
    ['a required answer left empty', { PHQ9_4: null }, 'answers.PHQ9_4', /required/i],
  ])('refuses %s with a 400 naming the item, storing nothing', async (_label, change, field, message) => {
    const { token, code } = await invited();
    const before = await t.deps.instances.get('demo', code, 'baseline');
    const response = await t.request('POST', `/api/p/${token}/submit`, { body: { answers: { ...complete, ...change } } });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { field: string; message: string } };
    expect(body.error.field).toBe(field);
    expect(body.error.message).toMatch(message);
    expect(await t.deps.instances.get('demo', code, 'baseline')).toEqual(before);
  });

  it('refuses a body without answers, or not JSON, with a 400', async () => {
    const { token } = await invited();
    expect(await (await t.request('POST', `/api/p/${token}/submit`, { body: { answer: {} } })).json()).toMatchObject({ error: { field: 'answers' } });
    expect((await t.request('POST', `/api/p/${token}/submit`, { raw: 'answers=1' })).status).toBe(400);
    expect((await t.request('POST', `/api/p/${token}/submit`, { body: { answers: [1, 2] } })).status).toBe(400);
  });

  it('refuses answers once the window has closed (410), and shows the expired state', async () => {
    const local = await createTestContext({ now: '2026-03-02T10:00:00.000Z' });
    const { token: link } = await local.invite();
    local.clock.set('2026-03-09T09:00:00.000Z');
    expect(await (await local.request('GET', `/api/p/${link}`)).json()).toMatchObject({ status: 'expired', instruments: [] });
    expect((await local.request('POST', `/api/p/${link}/submit`, { body: { answers: complete } })).status).toBe(410);
  });

  it('keeps the safety flag of PHQ-9 item 9 with the scores', async () => {
    const { token, code } = await invited();
    await t.request('POST', `/api/p/${token}/submit`, { body: { answers: { ...complete, PHQ9_9: 1 } } });
    const [phq9] = (await t.deps.instances.get('demo', code, 'baseline'))!.scores!;
    expect(phq9!.flags).toEqual([expect.objectContaining({ id: 'phq9_item9_positive', item: 'PHQ9_9', urgent: true })]);
  });
});

describe('saving progress', () => {
  const partOf = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, (complete as Record<string, number>)[k]!]));

  it('stores answers so far, marks the instance started, and gives them back when the link is reopened', async () => {
    const { token, code } = await invited();
    const response = await t.request('PUT', `/api/p/${token}/answers`, { body: { answers: partOf(['PHQ9_1', 'PHQ9_2']) } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ answered: 2 });
    const instance = await t.deps.instances.get('demo', code, 'baseline');
    expect(instance).toMatchObject({ status: 'started', answers: partOf(['PHQ9_1', 'PHQ9_2']), progressRevision: 1 });
    expect(instance!.scores).toBeUndefined();
    expect(await (await t.request('GET', `/api/p/${token}`)).json()).toMatchObject({ status: 'started', answers: partOf(['PHQ9_1', 'PHQ9_2']) });
  });

  it('stores each of many submissions arriving at once exactly once, even a link submitted twice at the same moment', async () => {
    const people = [];
    for (let i = 0; i < 6; i++) people.push(await invited());
    const twice = people[0]!;
    const responses = await Promise.all([...people, twice].map(({ token }) => t.request('POST', `/api/p/${token}/submit`, { body: { answers: complete } })));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200]);
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{ completedAt: string }>;
    // The repeat is a retry: answered with the first completion's time.
    expect(bodies[6]!.completedAt).toBe(bodies[0]!.completedAt);
    const completions = (await t.deps.audit.list('study:demo')).filter((e) => e.action === 'instance.completed');
    for (const { code } of people) {
      const instance = await t.deps.instances.get('demo', code, 'baseline');
      expect(instance).toMatchObject({ status: 'completed', answers: complete });
      expect(instance!.scores).toHaveLength(3);
      expect(completions.filter((e) => e.target === `instance:${code}/baseline`)).toHaveLength(1);
    }
  });

  it('merges saves from two devices item by item, the later one winning an item', async () => {
    const { token, code } = await invited();
    await t.request('PUT', `/api/p/${token}/answers`, { body: { answers: { PHQ9_1: 1, PHQ9_2: 2 } } });
    await t.request('PUT', `/api/p/${token}/answers`, { body: { answers: { PHQ9_2: 3, PEG_1: 4 } } });
    expect((await t.deps.instances.get('demo', code, 'baseline'))!.answers).toEqual({ PHQ9_1: 1, PHQ9_2: 3, PEG_1: 4 });
  });

  it('saves concurrent progress from two tabs without losing either', async () => {
    const { token, code } = await invited();
    const saves = ['PHQ9_1', 'PHQ9_2', 'PHQ9_3', 'PHQ9_4', 'PHQ9_5', 'PHQ9_6'].map((item) => t.request('PUT', `/api/p/${token}/answers`, { body: { answers: { [item]: 1 } } }));
    expect((await Promise.all(saves)).map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(Object.keys((await t.deps.instances.get('demo', code, 'baseline'))!.answers!).sort()).toEqual(['PHQ9_1', 'PHQ9_2', 'PHQ9_3', 'PHQ9_4', 'PHQ9_5', 'PHQ9_6']);
  });

  it('refuses a bad code naming the item, storing nothing; allows required answers to be missing', async () => {
    const { token, code } = await invited();
    const response = await t.request('PUT', `/api/p/${token}/answers`, { body: { answers: { PHQ9_1: 9 } } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { field: 'answers.PHQ9_1' } });
    expect((await t.deps.instances.get('demo', code, 'baseline'))!.status).toBe('open');
  });

  it('submits after partial saves, and refuses saving once completed', async () => {
    const { token, code } = await invited();
    await t.request('PUT', `/api/p/${token}/answers`, { body: { answers: partOf(['PHQ9_1']) } });
    expect((await t.request('POST', `/api/p/${token}/submit`, { body: { answers: complete } })).status).toBe(200);
    expect((await t.deps.instances.get('demo', code, 'baseline'))).toMatchObject({ status: 'completed', answers: complete });
    expect((await t.request('PUT', `/api/p/${token}/answers`, { body: { answers: partOf(['PHQ9_1']) } })).status).toBe(409);
  });
});

describe('probing for links', () => {
  it('answers 429 with Retry-After once a client has tried too many unknown links, and counts per client', async () => {
    const local = await createTestContext({ now: '2026-03-02T10:00:00.000Z' });
    let address = 'attacker';
    local.deps.clientAddress = () => address;
    const probe = () => local.request('GET', `/api/p/${'A'.repeat(42)}${Math.random().toString(36).slice(2, 3)}`);
    for (let i = 0; i < 20; i++) expect((await probe()).status).toBe(404);
    const blocked = await probe();
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await blocked.json()).toMatchObject({ error: { code: 'too_many_requests' } });
    // Someone else is unaffected, and the block lifts with the window.
    address = 'participant';
    const { token } = await local.invite();
    expect((await local.request('GET', `/api/p/${token}`)).status).toBe(200);
    // The block lifts as the window slides past the failures, when Retry-After said.
    address = 'attacker';
    local.clock.advance(Number(blocked.headers.get('retry-after')) * 1000 - 2000);
    expect((await probe()).status).toBe(429);
    local.clock.advance(2000);
    expect((await probe()).status).toBe(404);
  });

  it('keeps no client address in the stored counters, only its hash', async () => {
    const local = await createTestContext();
    local.deps.clientAddress = () => '203.0.113.7';
    expect((await local.request('GET', `/api/p/${'B'.repeat(43)}`)).status).toBe(404);
    const counters = (await local.scan('research')).filter((item) => String(item.pk).startsWith('RATE#'));
    expect(counters).toHaveLength(1);
    expect(JSON.stringify(counters)).not.toContain('203.0.113.7');
  });

  it('counts failed sign-in codes the same way', async () => {
    const local = await createTestContext();
    local.deps.clientAddress = () => 'guesser';
    for (let i = 0; i < 20; i++) expect((await local.request('POST', '/api/auth/verify', { body: { code: `${'c'.repeat(30)}${i}` } })).status).toBe(401);
    expect((await local.request('POST', '/api/auth/verify', { body: { code: 'c'.repeat(32) } })).status).toBe(429);
  });
});
