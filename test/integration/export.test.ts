import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { createTestContext, linkToken, type TestContext } from '../helpers/test-context';

let t: TestContext;
let coordinator: string;
const emails: string[] = [];
beforeAll(async () => {
  t = await createTestContext({ now: '2026-03-02T10:00:00.000Z' });
  coordinator = await t.signIn({ email: 'coordinator@staff.test', role: 'coordinator', studies: ['demo'] });
  for (const arm of ['mbpm', 'healthy']) {
    const email = t.uniqueEmail(arm);
    emails.push(email);
    await t.request('POST', '/api/studies/demo/participants', { token: coordinator, body: { email, arm } });
  }
  await runDispatch(t.deps);
  const token = linkToken((await t.inbox(emails[0]!))[0]);
  const answers = {
    PHQ9_1: 3, PHQ9_2: 3, PHQ9_3: 2, PHQ9_4: 2, PHQ9_5: 1, PHQ9_6: 1, PHQ9_7: 1, PHQ9_8: 1, PHQ9_9: 0,
    GAD7_1: 2, GAD7_2: 2, GAD7_3: 2, GAD7_4: 2, GAD7_5: 1, GAD7_6: 1, GAD7_7: 0,
    PEG_1: 8, PEG_2: 6, PEG_3: 7,
  };
  t.clock.set('2026-03-02T18:30:00.000Z');
  await t.request('POST', `/api/p/${token}/submit`, { body: { answers } });
});

const exportCsv = async (token: string, query = '?format=long') => {
  const response = await t.request('GET', `/api/studies/demo/export${query}`, { token });
  return { response, text: await response.text() };
};

describe('the long export', () => {
  it('has one row per participant × timepoint × instrument × scale, scored rows filled in', async () => {
    const { response, text } = await exportCsv(coordinator);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="demo-long-\d{4}-\d{2}-\d{2}\.csv"/);
    const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
    const [mbpm, healthy] = (await t.deps.participants.list('demo')).map((p) => p.code);
    // mbpm: baseline + week8, each phq9.total, gad7.total and peg3.peg; healthy: baseline only.
    expect(rows).toHaveLength(9);
    expect(rows.find((r) => r.participant === mbpm && r.timepoint === 'baseline' && r.instrument === 'phq9')).toEqual({
      participant: mbpm, arm: 'mbpm', stratum: '', allocation_sequence: '', timepoint: 'baseline', instrument: 'phq9', instrument_version: '1.0', scoring_version: '1',
      scale: 'total', value: '14', raw: '14', se: '', band: 'moderate', status: 'complete', missing_rule: 'nhs_mean_substitution',
      answered: '9', items: '9', completed_at: '2026-03-02T18:30:00.000Z',
      enrolled_at: '2026-03-02T10:00:00.000Z', due_at: '2026-03-02T09:00:00.000Z', days_from_enrolment: '0.3542', protocol_version: '1', language: 'en',
    });
    expect(rows.find((r) => r.participant === mbpm && r.timepoint === 'baseline' && r.scale === 'peg')?.value).toBe('7');
    // GAD-7: 2 + 2 + 2 + 2 + 1 + 1 + 0 = 10, moderate (10–14).
    expect(rows.find((r) => r.participant === mbpm && r.timepoint === 'baseline' && r.instrument === 'gad7')).toMatchObject({ value: '10', band: 'moderate' });
    // Planned but not completed: an explicit row with the instance state and no value.
    expect(rows.find((r) => r.participant === mbpm && r.timepoint === 'week8' && r.instrument === 'phq9')).toMatchObject({ value: '', status: 'scheduled' });
    expect(rows.filter((r) => r.participant === healthy).map((r) => r.timepoint)).toEqual(['baseline', 'baseline', 'baseline']);
  });

  it('never contains contact details', async () => {
    const { text } = await exportCsv(coordinator);
    for (const email of emails) expect(text).not.toContain(email);
    expect(text).not.toContain('@');
  });

  it('is open to analysts and closed to anyone signed out', async () => {
    const analyst = await t.signIn({ email: 'analyst@staff.test', role: 'analyst', studies: ['demo'] });
    expect((await exportCsv(analyst)).response.status).toBe(200);
    expect((await t.request('GET', '/api/studies/demo/export?format=long')).status).toBe(401);
  });

  it('refuses an unknown format with a 400 naming the parameter', async () => {
    const { response, text } = await exportCsv(coordinator, '?format=xlsx');
    expect(response.status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ error: { field: 'format' } });
  });

  it('is recorded in the audit log', async () => {
    const entries = await t.deps.audit.list('study:demo');
    expect(entries.some((e) => e.action === 'export.downloaded' && e.actor === 'staff:coordinator@staff.test')).toBe(true);
  });
});
