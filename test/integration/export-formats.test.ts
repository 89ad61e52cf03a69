import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Instance } from '../../functions/core/schedule/records';
import { scoreInstrument } from '../../functions/core/scoring/engine';
import { demoStudy } from '../../functions/demo/demo-study';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { EXPORT_CHUNK_BYTES, EXPORT_PARTICIPANTS_PER_PAGE, exportFormats, exportStudy } from '../../functions/use-cases/export-study';
import { findInstrument } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';
import { fhirProblems, parseNdjson } from '../helpers/fhir-r4';
import { createTestContext, type TestContext } from '../helpers/test-context';

const bin = join(import.meta.dirname, '..', '..', 'scripts', 'timepoint.mjs');

/** P-0001 (mbpm), through the participant page: PHQ-9 14 moderate, GAD-7 10 moderate, PEG 7. */
const answersA = {
  PHQ9_1: 3, PHQ9_2: 3, PHQ9_3: 2, PHQ9_4: 2, PHQ9_5: 1, PHQ9_6: 1, PHQ9_7: 1, PHQ9_8: 1, PHQ9_9: 0,
  GAD7_1: 2, GAD7_2: 2, GAD7_3: 2, GAD7_4: 2, GAD7_5: 1, GAD7_6: 1, GAD7_7: 0,
  PEG_1: 8, PEG_2: 6, PEG_3: 7,
};
/**
 * P-0002 (waitlist), seeded directly: PHQ-9 item 8 and GAD-7 item 4 unanswered. The form
 * requires every item, so no submission through the participant endpoint can leave one out;
 * data imported or collected on paper can. PHQ-9 is prorated (7 × 9/8 = 7.875, mild); GAD-7,
 * whose rule requires every item, is not scored; PEG (2 + 3 + 4) / 3 = 3.
 */
const answersB = {
  PHQ9_1: 1, PHQ9_2: 1, PHQ9_3: 1, PHQ9_4: 1, PHQ9_5: 1, PHQ9_6: 1, PHQ9_7: 1, PHQ9_8: null, PHQ9_9: 0,
  GAD7_1: 1, GAD7_2: 1, GAD7_3: 1, GAD7_4: null, GAD7_5: 1, GAD7_6: 1, GAD7_7: 1,
  PEG_1: 2, PEG_2: 3, PEG_3: 4,
};
/** P-0003 (waitlist, later withdrawn): PHQ-9 8 mild (item 10 answered), GAD-7 21 severe, PEG 0. */
const answersC = {
  PHQ9_1: 1, PHQ9_2: 1, PHQ9_3: 1, PHQ9_4: 1, PHQ9_5: 1, PHQ9_6: 1, PHQ9_7: 1, PHQ9_8: 1, PHQ9_9: 0, PHQ9_10: 1,
  GAD7_1: 3, GAD7_2: 3, GAD7_3: 3, GAD7_4: 3, GAD7_5: 3, GAD7_6: 3, GAD7_7: 3,
  PEG_1: 0, PEG_2: 0, PEG_3: 0,
};
const engineScores = (answers: Record<string, number | null>) =>
  demoStudy.protocol.timepoints[0]!.instruments.map(({ id }) => scoreInstrument(findInstrument(id)!.scoring, answers));

let t: TestContext;
let token: string;
const emails: string[] = [];
const texts: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestContext({ now: '2026-03-02T10:00:00.000Z' });
  const p1 = await t.invite('mbpm');
  const p2 = await t.invite('waitlist');
  const p3 = await t.invite('waitlist');
  const p4 = await t.invite('healthy');
  emails.push(p1.email, p2.email, p3.email, p4.email);
  expect([p1.code, p2.code, p3.code, p4.code]).toEqual(['P-0001', 'P-0002', 'P-0003', 'P-0004']);

  t.clock.set('2026-03-02T18:30:00.000Z');
  expect((await t.request('POST', `/api/p/${p1.token}/submit`, { body: { answers: answersA } })).status).toBe(200);
  t.clock.set('2026-03-02T19:00:00.000Z');
  expect((await t.request('POST', `/api/p/${p3.token}/submit`, { body: { answers: answersC } })).status).toBe(200);
  // Not possible through the form (see answersB): stored as the submit use case would, with the engine's scores.
  const seeded = await t.deps.instances.complete('demo', p2.code, 'baseline', { answers: answersB, scores: engineScores(answersB), completedAt: '2026-03-02T20:00:00.000Z' });
  expect(seeded).toBe(true);

  // The next morning (a new sign-in: sessions last 12 hours), P-0003 withdraws; the dispatcher cancels their week 8.
  t.clock.set('2026-03-03T09:00:00.000Z');
  const coordinator = await t.signIn({ email: 'coordinator-2@staff.test', role: 'coordinator', studies: ['demo'] });
  expect((await t.request('POST', `/api/studies/demo/participants/${p3.code}/withdraw`, { token: coordinator, body: { reason: 'moved away' } })).status).toBe(200);
  await runDispatch(t.deps);
  // Every format is open to analysts.
  token = await t.signIn({ email: 'analyst@staff.test', role: 'analyst', studies: ['demo'] });

  for (const format of exportFormats) {
    const response = await t.request('GET', `/api/studies/demo/export?format=${format}`, { token });
    expect(response.status, format).toBe(200);
    texts[format] = await response.text();
  }
});

const csv = (format: string) => parse(texts[format]!, { columns: true }) as Array<Record<string, string>>;
const lines = (format: string) => texts[format]!.trimEnd().split('\n');
const empties = (n: number) => ','.repeat(n);

describe('the export formats, over the API', () => {
  it('come with their media type and a dated file name', async () => {
    const expected: Record<string, [string, string]> = {
      long: ['text/csv; charset=utf-8', 'csv'], wide: ['text/csv; charset=utf-8', 'csv'], items: ['text/csv; charset=utf-8', 'csv'],
      codebook: ['text/csv; charset=utf-8', 'csv'], 'codebook-json': ['application/json; charset=utf-8', 'json'], fhir: ['application/fhir+ndjson', 'ndjson'],
    };
    for (const format of exportFormats) {
      const response = await t.request('GET', `/api/studies/demo/export?format=${format}`, { token });
      expect(response.headers.get('content-type')).toBe(expected[format]![0]);
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="demo-${format}-2026-03-03.${expected[format]![1]}"`);
    }
  });

  it('long: one row per participant × timepoint × instrument × scale, with the missing and the withdrawn explicit', () => {
    // Everyone was enrolled at 10:00 UTC on 2 March; baseline was due at 09:00 London, week 8 at 09:00 BST on 27 April.
    const enrolled = '2026-03-02T10:00:00.000Z';
    const due = { baseline: '2026-03-02T09:00:00.000Z', week8: '2026-04-27T08:00:00.000Z' };
    const scored = (code: string, arm: string, at: string, days: number, rows: string[]) =>
      rows.map((r) => `${code},${arm},,,baseline,${r},${at},${enrolled},${due.baseline},${days},1,en`);
    const planned = (code: string, arm: string, timepoint: 'baseline' | 'week8', status: string) =>
      ['phq9,1.0,1,total', 'gad7,1.0,1,total', 'peg3,1.0,1,peg'].map((s) => `${code},${arm},,,${timepoint},${s},,,,,${status},,,,,${enrolled},${due[timepoint]},,1,en`);
    expect(lines('long')).toEqual([
      'participant,arm,stratum,allocation_sequence,timepoint,instrument,instrument_version,scoring_version,scale,value,raw,se,band,status,missing_rule,answered,items,completed_at,enrolled_at,due_at,days_from_enrolment,protocol_version,language',
      // Submitted 8½ hours after enrolment: 0.3542 days.
      ...scored('P-0001', 'mbpm', '2026-03-02T18:30:00.000Z', 0.3542, [
        'phq9,1.0,1,total,14,14,,moderate,complete,nhs_mean_substitution,9,9',
        'gad7,1.0,1,total,10,10,,moderate,complete,all_required,7,7',
        'peg3,1.0,1,peg,7,7,,,complete,all_required,3,3',
      ]),
      ...planned('P-0001', 'mbpm', 'week8', 'scheduled'),
      ...scored('P-0002', 'waitlist', '2026-03-02T20:00:00.000Z', 0.4167, [
        'phq9,1.0,1,total,7.875,7.875,,mild,prorated,nhs_mean_substitution,8,9',
        'gad7,1.0,1,total,,,,,not_scored,all_required,6,7',
        'peg3,1.0,1,peg,3,3,,,complete,all_required,3,3',
      ]),
      ...planned('P-0002', 'waitlist', 'week8', 'scheduled'),
      ...scored('P-0003', 'waitlist', '2026-03-02T19:00:00.000Z', 0.375, [
        'phq9,1.0,1,total,8,8,,mild,complete,nhs_mean_substitution,9,9',
        'gad7,1.0,1,total,21,21,,severe,complete,all_required,7,7',
        'peg3,1.0,1,peg,0,0,,,complete,all_required,3,3',
      ]),
      ...planned('P-0003', 'waitlist', 'week8', 'cancelled'),
      ...planned('P-0004', 'healthy', 'baseline', 'open'),
    ]);
  });

  it('wide: one row per participant, every scale of every timepoint, empty cells for what is missing', () => {
    expect(lines('wide')).toEqual([
      'participant,arm,stratum,allocation_sequence,status,enrolled_at,protocol_version,language,baseline_completed_at,baseline_due_at,baseline_days_from_enrolment,baseline_phq9_total,baseline_gad7_total,baseline_peg3_peg,week8_completed_at,week8_due_at,week8_days_from_enrolment,week8_phq9_total,week8_gad7_total,week8_peg3_peg',
      'P-0001,mbpm,,,active,2026-03-02T10:00:00.000Z,1,en,2026-03-02T18:30:00.000Z,2026-03-02T09:00:00.000Z,0.3542,14,10,7,,2026-04-27T08:00:00.000Z,,,,',
      'P-0002,waitlist,,,active,2026-03-02T10:00:00.000Z,1,en,2026-03-02T20:00:00.000Z,2026-03-02T09:00:00.000Z,0.4167,7.875,,3,,2026-04-27T08:00:00.000Z,,,,',
      'P-0003,waitlist,,,withdrawn,2026-03-02T10:00:00.000Z,1,en,2026-03-02T19:00:00.000Z,2026-03-02T09:00:00.000Z,0.375,8,21,0,,2026-04-27T08:00:00.000Z,,,,',
      'P-0004,healthy,,,active,2026-03-02T10:00:00.000Z,1,en,,2026-03-02T09:00:00.000Z,,,,,,,,,,',
    ]);
  });

  it('items: one row per participant × timepoint with the stored codes, blank where unanswered', () => {
    const header = lines('items')[0]!.split(',');
    expect(header).toEqual([
      'participant', 'arm', 'stratum', 'allocation_sequence', 'timepoint', 'status', 'completed_at', 'enrolled_at', 'due_at', 'days_from_enrolment', 'protocol_version', 'language',
      ...Array.from({ length: 10 }, (_, i) => `PHQ9_${i + 1}`), ...Array.from({ length: 7 }, (_, i) => `GAD7_${i + 1}`), 'PEG_1', 'PEG_2', 'PEG_3',
    ]);
    expect(lines('items').slice(1)).toEqual([
      'P-0001,mbpm,,,baseline,completed,2026-03-02T18:30:00.000Z,2026-03-02T10:00:00.000Z,2026-03-02T09:00:00.000Z,0.3542,1,en,3,3,2,2,1,1,1,1,0,,2,2,2,2,1,1,0,8,6,7',
      `P-0001,mbpm,,,week8,scheduled,,2026-03-02T10:00:00.000Z,2026-04-27T08:00:00.000Z,,1,en${empties(20)}`,
      'P-0002,waitlist,,,baseline,completed,2026-03-02T20:00:00.000Z,2026-03-02T10:00:00.000Z,2026-03-02T09:00:00.000Z,0.4167,1,en,1,1,1,1,1,1,1,,0,,1,1,1,,1,1,1,2,3,4',
      `P-0002,waitlist,,,week8,scheduled,,2026-03-02T10:00:00.000Z,2026-04-27T08:00:00.000Z,,1,en${empties(20)}`,
      'P-0003,waitlist,,,baseline,completed,2026-03-02T19:00:00.000Z,2026-03-02T10:00:00.000Z,2026-03-02T09:00:00.000Z,0.375,1,en,1,1,1,1,1,1,1,1,0,1,3,3,3,3,3,3,3,0,0,0',
      `P-0003,waitlist,,,week8,cancelled,,2026-03-02T10:00:00.000Z,2026-04-27T08:00:00.000Z,,1,en${empties(20)}`,
      `P-0004,healthy,,,baseline,open,,2026-03-02T10:00:00.000Z,2026-03-02T09:00:00.000Z,,1,en${empties(20)}`,
    ]);
  });

  it('codebook: describes exactly the columns each tabular format has, in order', () => {
    const book = csv('codebook');
    for (const format of ['long', 'wide', 'items']) {
      expect(book.filter((r) => r.format === format).map((r) => r.column), format).toEqual(lines(format)[0]!.split(','));
    }
    expect(book.find((r) => r.format === 'wide' && r.column === 'week8_gad7_total')).toEqual({
      format: 'wide', column: 'week8_gad7_total', label: 'Week 8: Anxiety severity (GAD-7 total, 0–21) [decimal point "." also in semicolon-separated files]', type: 'number', timepoint: 'week8',
      instrument: 'gad7', instrument_version: '1.0', scale: 'total', codes: '', value_labels: '', licence_category: 'PD', licence_holder: 'Pfizer Inc.',
    });
    expect(book.find((r) => r.format === 'items' && r.column === 'PHQ9_9')).toMatchObject({
      type: 'integer', codes: '0|1|2|3', value_labels: '0=Not at all | 1=Several days | 2=More than half the days | 3=Nearly every day', instrument: 'phq9',
    });
    expect(book.find((r) => r.format === 'wide' && r.column === 'status')).toMatchObject({ type: 'string', codes: 'active|withdrawn|completed' });
    // The timing columns, described in every format that has them.
    for (const format of ['long', 'items']) {
      const entry = (column: string) => book.find((r) => r.format === format && r.column === column)!;
      expect(entry('enrolled_at')).toMatchObject({ type: 'datetime', label: expect.stringContaining('enrolled') });
      expect(entry('due_at')).toMatchObject({ type: 'datetime', label: expect.stringContaining('invitation was due') });
      expect(entry('days_from_enrolment')).toMatchObject({ type: 'number', label: expect.stringContaining('completed_at − enrolled_at, in days') });
      expect(entry('protocol_version')).toMatchObject({ type: 'integer' });
      expect(entry('language')).toMatchObject({ type: 'string', codes: 'en|fr' });
    }
    expect(book.find((r) => r.format === 'wide' && r.column === 'week8_days_from_enrolment')).toMatchObject({ type: 'number', timepoint: 'week8' });
    expect(book.find((r) => r.format === 'wide' && r.column === 'baseline_due_at')).toMatchObject({ type: 'datetime', timepoint: 'baseline' });
  });

  it('codebook-json: the same entries, structured', () => {
    const json = JSON.parse(texts['codebook-json']!) as { study: string; formats: string[]; csv: Record<string, unknown>; columns: Array<Record<string, unknown>> };
    expect(json.study).toBe('demo');
    expect(json.csv).toMatchObject({ encoding: 'UTF-8', decimalMark: '.', delimiters: { comma: ',', semicolon: ';' } });
    expect(json.formats).toEqual(['long', 'wide', 'items']);
    expect(json.columns.map((c) => `${c.format}.${c.column}`)).toEqual(csv('codebook').map((r) => `${r.format}.${r.column}`));
    expect(json.columns.find((c) => c.column === 'PEG_1')).toEqual({
      format: 'items', column: 'PEG_1', label: 'What number best describes your pain on average in the past week?', type: 'integer',
      instrument: 'peg3', instrumentVersions: ['1.0'], item: 'PEG_1', range: { min: 0, max: 10, integer: true },
      valueLabels: { 0: 'No pain', 10: 'Pain as bad as you can imagine' },
      licence: { category: 'FREE-ATTR', holder: findInstrument('peg3')!.scoring.licence.holder },
    });
  });

  it('fhir: Questionnaires, then per completed instrument its response and an Observation per scored scale', () => {
    expect(fhirProblems(texts.fhir!)).toEqual([]);
    const resources = parseNdjson(texts.fhir!);
    expect(resources.map((r) => `${r.resourceType}/${r.id}`)).toEqual([
      'Questionnaire/questionnaire.phq9.1.0', 'Questionnaire/questionnaire.gad7.1.0', 'Questionnaire/questionnaire.peg3.1.0',
      ...['P-0001', 'P-0002', 'P-0003'].flatMap((code) => [
        `QuestionnaireResponse/qr.${code}.baseline.phq9`, `Observation/obs.${code}.baseline.phq9.total`,
        `QuestionnaireResponse/qr.${code}.baseline.gad7`, ...(code === 'P-0002' ? [] : [`Observation/obs.${code}.baseline.gad7.total`]),
        `QuestionnaireResponse/qr.${code}.baseline.peg3`, `Observation/obs.${code}.baseline.peg3.peg`,
      ]),
    ]);
    const byId = new Map(resources.map((r) => [r.id, r]));
    expect(byId.get('qr.P-0002.baseline.gad7')!.item.map((i: { linkId: string }) => i.linkId)).toEqual(['GAD7_1', 'GAD7_2', 'GAD7_3', 'GAD7_5', 'GAD7_6', 'GAD7_7']);
    expect(byId.get('qr.P-0003.baseline.phq9')!.item.at(-1)).toEqual({ linkId: 'PHQ9_10', answer: [{ valueCoding: { system: 'urn:timepoint:answer:phq9', code: '1' } }] });
    expect(byId.get('obs.P-0002.baseline.phq9.total')).toMatchObject({
      subject: { identifier: { system: 'urn:timepoint:demo', value: 'P-0002' } }, effectiveDateTime: '2026-03-02T20:00:00.000Z',
      valueQuantity: { value: 7.875 }, interpretation: [{ text: 'mild' }], method: { text: 'prorated: 8 of 9 items answered' },
    });
    expect(byId.get('obs.P-0003.baseline.gad7.total')).toMatchObject({
      code: { coding: [{ code: 'gad7.total' }, { system: 'http://loinc.org', code: '70274-6' }] }, valueQuantity: { value: 21 }, interpretation: [{ text: 'severe' }],
    });
    expect(byId.get('obs.P-0001.baseline.peg3.peg')).toMatchObject({ valueQuantity: { value: 7 }, derivedFrom: [{ reference: 'QuestionnaireResponse/qr.P-0001.baseline.peg3' }] });
  });

  it('never contain a contact detail, in any format', async () => {
    const contacts = await Promise.all(['P-0001', 'P-0002', 'P-0003', 'P-0004'].map((code) => t.deps.contacts.get('demo', code)));
    expect(contacts.map((c) => c?.email)).toEqual(emails);
    for (const format of exportFormats) {
      expect(texts[format]!.length, format).toBeGreaterThan(0);
      expect(texts[format], format).not.toContain('@');
      for (const email of emails) expect(texts[format], format).not.toContain(email);
    }
  });

  it('refuse an unknown format naming the ones there are', async () => {
    const response = await t.request('GET', '/api/studies/demo/export?format=sav', { token });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { field: 'format', message: expect.stringContaining('available: long, wide, items, codebook, codebook-json, fhir') } });
  });

  it('write a UTF-8 byte-order mark for Excel with bom=1, and nothing else changes', async () => {
    const response = await t.request('GET', '/api/studies/demo/export?format=wide&bom=1', { token });
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.slice(3))).toBe(texts.wide);
    expect([...new Uint8Array(await (await t.request('GET', '/api/studies/demo/export?format=wide', { token })).arrayBuffer()).slice(0, 1)]).toEqual([0x70]);
  });

  it('write semicolon-separated CSV with delimiter=semicolon, keeping the decimal point', async () => {
    const text = await (await t.request('GET', '/api/studies/demo/export?format=wide&delimiter=semicolon', { token })).text();
    expect(text.split('\n')[0]).toBe(lines('wide')[0]!.replaceAll(',', ';'));
    // P-0002's prorated PHQ-9 total stays 7.875 (a point, not a comma).
    expect(text.split('\n')[2]).toContain(';7.875;');
    expect(parse(text, { columns: true, delimiter: ';' })).toEqual(csv('wide'));
  });

  it('refuse a byte-order mark or a delimiter for a format that is not CSV, and an unknown delimiter, naming the parameter', async () => {
    for (const [query, field] of [['format=fhir&bom=1', 'bom'], ['format=codebook-json&delimiter=semicolon', 'delimiter'], ['format=long&delimiter=tab', 'delimiter']] as const) {
      const response = await t.request('GET', `/api/studies/demo/export?${query}`, { token });
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { error: { field: string } }).error.field, query).toBe(field);
    }
  });
});

describe('reading a study for export', () => {
  it('pages through the instances in key order, a page at a time', async () => {
    const pages: Instance[][] = [];
    for await (const page of t.deps.instances.pagesForStudy('demo', { pageSize: 3 })) pages.push(page);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(await t.deps.instances.listForStudy('demo'));
    expect(pages.flat().map((i) => `${i.code}/${i.timepoint}`)).toEqual([
      'P-0001/baseline', 'P-0001/week8', 'P-0002/baseline', 'P-0002/week8', 'P-0003/baseline', 'P-0003/week8', 'P-0004/baseline',
    ]);
  });

  it('writes rows while later pages are still unread, never listing the whole study, with the same result at any page size', async () => {
    const events: string[] = [];
    const instances = {
      ...t.deps.instances,
      listForStudy: () => Promise.reject(new Error('exports must not load a whole study')),
      async *pagesForStudy(studyId: string, options?: { pageSize?: number }) {
        for await (const page of t.deps.instances.pagesForStudy(studyId, options)) {
          events.push('page');
          yield page;
        }
      },
    };
    for (const format of ['long', 'wide', 'items', 'fhir'] as const) {
      events.length = 0;
      // A byte at a time: this study's whole file is smaller than one chunk of the default size.
      const file = await exportStudy({ ...t.deps, instances }, 'system:test', 'demo', format, { pageSize: 1, chunkBytes: 1 });
      let text = '';
      for await (const chunk of file.body) {
        events.push('data');
        text += String(chunk);
      }
      expect(text, format).toBe(texts[format]);
      expect(events.filter((e) => e === 'page'), format).toHaveLength(7);
      expect(events.indexOf('data'), format).toBeLessThan(events.lastIndexOf('page'));
    }
  });

  it('reads participants in pages of a bounded size, not DynamoDB\'s 1 MB pages (thousands of participants), with the same file', async () => {
    const asked: Array<number | undefined> = [];
    const participants = {
      ...t.deps.participants,
      pagesForStudy(studyId: string, options?: { pageSize?: number }) {
        asked.push(options?.pageSize);
        return t.deps.participants.pagesForStudy(studyId, options);
      },
    };
    for (const format of ['long', 'wide', 'items', 'fhir'] as const) {
      asked.length = 0;
      const chunks: Buffer[] = [];
      for await (const chunk of (await exportStudy({ ...t.deps, participants }, 'system:test', 'demo', format)).body) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).toString('utf8'), format).toBe(texts[format]);
      // Counted in a first pass, then read again beside the instances: both a page of at most the cap.
      expect(asked, format).toEqual([EXPORT_PARTICIPANTS_PER_PAGE, EXPORT_PARTICIPANTS_PER_PAGE]);
    }
    expect(EXPORT_PARTICIPANTS_PER_PAGE).toBeLessThanOrEqual(1000);
    const pages: number[] = [];
    for await (const page of t.deps.participants.pagesForStudy('demo', { pageSize: 2 })) pages.push(page.length);
    expect(pages).toEqual([2, 2]);
  });

  it('passes the file on in chunks of at least the chunk size, not a row at a time, the same bytes in every format', async () => {
    for (const format of ['long', 'wide', 'items', 'fhir', 'codebook'] as const) {
      const chunks: Buffer[] = [];
      for await (const chunk of (await exportStudy(t.deps, 'system:test', 'demo', format, { pageSize: 1, chunkBytes: 500 })).body) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).toString('utf8'), format).toBe(texts[format]);
      // Rows are far shorter than 500 bytes: a row at a time would leave short chunks before the last.
      expect(chunks.slice(0, -1).filter((chunk) => chunk.length < 500), format).toEqual([]);
      expect(chunks.at(-1)!.length, format).toBeGreaterThan(0);
    }
    // By default 64 KB: the whole of this small study's file arrives as one chunk.
    expect(EXPORT_CHUNK_BYTES).toBe(64 * 1024);
    const whole: Buffer[] = [];
    for await (const chunk of (await exportStudy(t.deps, 'system:test', 'demo', 'long')).body) whole.push(chunk as Buffer);
    expect(whole).toHaveLength(1);
    expect(whole[0]!.toString('utf8')).toBe(texts.long);
  });

  it('reports progress per participant', async () => {
    const seen: Array<{ participants: number; rows: number }> = [];
    const file = await exportStudy(t.deps, 'system:test', 'demo', 'long', { onProgress: ({ participants, rows }) => seen.push({ participants, rows }) });
    expect(file.participantsTotal).toBe(4);
    for await (const _ of file.body);
    expect(seen.slice(0, 4)).toEqual([{ participants: 1, rows: 6 }, { participants: 2, rows: 12 }, { participants: 3, rows: 18 }, { participants: 4, rows: 21 }]);
  });
});

describe('timepoint export', () => {
  let dir: string;
  let outDir: string;
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [bin, 'export', ...args, '--data-dir', dir, '--dynamodb-port', '9'], { encoding: 'utf8', timeout: 60_000 });

  beforeAll(async () => {
    const { connectToData } = await import('../../scripts/local/data-connection');
    const { fixedClock } = await import('../../functions/adapters/system/system-clock');
    const { enrolParticipant } = await import('../../functions/use-cases/enrol-participant');
    dir = mkdtempSync(join(tmpdir(), 'tp-export-'));
    outDir = join(dir, 'out');
    mkdirSync(outDir);
    // Seed the folder the way `npm start` would, then stop (the CLI opens the folder itself).
    const data = await connectToData({ dataDir: dir, dynamoPort: 9, clock: fixedClock('2026-03-02T10:00:00.000Z') });
    await data.deps.studies.createIfAbsent(demoStudy);
    const { code } = await enrolParticipant(data.deps, 'system:test', 'demo', { email: 'cli-export@participants.test', arm: 'mbpm' });
    await enrolParticipant(data.deps, 'system:test', 'demo', { email: 'cli-export-2@participants.test', arm: 'healthy' });
    await runDispatch(data.deps);
    await data.deps.instances.complete('demo', code, 'baseline', { answers: answersA, scores: engineScores(answersA), completedAt: '2026-03-02T12:00:00.000Z' });
    await data.close();
  }, 60_000);

  it('writes a format to --out, silently when stderr is not a terminal', () => {
    const out = join(outDir, 'wide.csv');
    const result = run('--study', 'demo', '--format', 'wide', '--out', out);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toEqual([
      'participant,arm,stratum,allocation_sequence,status,enrolled_at,protocol_version,language,baseline_completed_at,baseline_due_at,baseline_days_from_enrolment,baseline_phq9_total,baseline_gad7_total,baseline_peg3_peg,week8_completed_at,week8_due_at,week8_days_from_enrolment,week8_phq9_total,week8_gad7_total,week8_peg3_peg',
      'P-0001,mbpm,,,active,2026-03-02T10:00:00.000Z,1,en,2026-03-02T12:00:00.000Z,2026-03-02T09:00:00.000Z,0.0833,14,10,7,,2026-04-27T08:00:00.000Z,,,,',
      'P-0002,healthy,,,active,2026-03-02T10:00:00.000Z,1,en,,2026-03-02T09:00:00.000Z,,,,,,,,,,',
    ]);
    expect(readdirSync(outDir)).toEqual(['wide.csv']);
  }, 60_000);

  it('writes to standard output without --out', () => {
    const result = run('--study', 'demo', '--format', 'fhir');
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(fhirProblems(result.stdout)).toEqual([]);
    expect(parseNdjson(result.stdout).filter((r) => r.resourceType === 'Observation')).toHaveLength(3);
    expect(result.stdout).not.toContain('@');
  }, 60_000);

  it('refuses an unknown study or format clearly, writing nothing', () => {
    const out = join(outDir, 'nothing.csv');
    const study = run('--study', 'nope', '--format', 'long', '--out', out);
    expect(study.status).toBe(2);
    expect(study.stderr).toMatch(/^timepoint: --study: no study "nope" in the data in .+\n$/);
    const format = run('--study', 'demo', '--format', 'sav', '--out', out);
    expect(format.status).toBe(2);
    expect(format.stderr).toBe('timepoint: --format: unknown format "sav" (available: long, wide, items, codebook, codebook-json, fhir)\n');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(outDir)).toEqual(['wide.csv']);
  }, 60_000);

  it('leaves no half-written file when writing fails', () => {
    // The target is a folder, so the final rename fails after the data was written to the temporary file.
    mkdirSync(join(outDir, 'taken'));
    const result = run('--study', 'demo', '--format', 'long', '--out', join(outDir, 'taken'));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('timepoint: export failed:');
    expect(readdirSync(outDir).sort()).toEqual(['taken', 'wide.csv']);
    expect(readdirSync(join(outDir, 'taken'))).toEqual([]);
  }, 60_000);

  it('explains itself with examples', () => {
    const result = spawnSync(process.execPath, [bin, 'export', '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("npx timepoint export --study demo --format long --out demo-long.csv");
    expect(result.stdout).toContain('codebook-json');
  }, 60_000);
});

describe('timepoint export, on a deployment', () => {
  it('streams the tables named by a cdk outputs file (here on the emulator) to the same file the console downloads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-export-deployment-'));
    const outputs = join(dir, 'cdk-outputs.json');
    writeFileSync(
      outputs,
      JSON.stringify({
        'Timepoint-test-Data': { ResearchTable: t.db.tables.research, ContactsTable: t.db.tables.contacts, Region: 'eu-west-2' },
        'Timepoint-test-App': { Url: 'https://trial.example.org' },
      }),
    );
    const out = join(dir, 'demo-long.csv');
    const env = { ...process.env, DYNAMODB_ENDPOINT: inject('dynamoEndpoint'), AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };
    const result = spawnSync(process.execPath, [bin, 'export', '--study', 'demo', '--format', 'long', '--deployment', outputs, '--out', out], { encoding: 'utf8', timeout: 60_000, env });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    // Nothing has changed since beforeAll downloaded the API's export: the same bytes.
    expect(readFileSync(out, 'utf8')).toBe(texts.long);
  }, 60_000);
});
