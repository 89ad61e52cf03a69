import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../functions/adapters/dynamodb/client';
import { createLicensedTextRepository } from '../../functions/adapters/dynamodb/licensed-text-repository';
import { LOCAL_TABLES } from '../../scripts/local/data-connection';
import { startEmulators } from '../../scripts/local/emulators';
import { findInstrument } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';
import { fakeLicensedText } from '../helpers/licensed-fixtures';

const bin = join(import.meta.dirname, '..', '..', 'scripts', 'timepoint.mjs');
const timepoint = (args: string[], input?: string) => {
  const result = spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};
const phq = (codes: Array<number | null>) => Object.fromEntries(codes.map((c, i) => [`PHQ9_${i + 1}`, c]));

describe('timepoint score', () => {
  it('scores JSON Lines in order, one result per line, as the design contract shows', () => {
    const input = [phq([1, 1, 1, 1, 1, 1, 1, 1, 1]), phq([3, 3, 3, 3, 3, 3, 3, 3, 0])].map((r) => JSON.stringify(r)).join('\n');
    const { code, stdout } = timepoint(['score', '--instrument', 'phq9'], input);
    expect(code).toBe(0);
    const results = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(results).toHaveLength(2);
    expect(results[0]).toEqual({
      instrument: 'phq9', version: '1.0', scoringVersion: '1',
      scales: { total: { value: 9, raw: 9, band: 'mild', status: 'complete', answered: 9, items: 9, rule: 'nhs_mean_substitution' } },
      flags: [{ id: 'phq9_item9_positive', label: 'PHQ-9 item 9 (thoughts of self-harm) answered 1 or more', urgent: true, item: 'PHQ9_9' }],
    });
    expect(results[1]).toMatchObject({ scales: { total: { value: 24, band: 'severe' } }, flags: [] });
  });

  it('passes other CSV columns through, reads blank cells as unanswered and adds scale and status columns', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-cli-'));
    const file = join(dir, 'peg.csv');
    writeFileSync(file, 'site,PEG_1,PEG_2,PEG_3,note\nLeeds,7,5,6,"a, b"\nYork,7,,6,\n');
    const { code, stdout } = timepoint(['score', '--instrument', 'peg3', '--input', file]);
    expect(code).toBe(0);
    expect(stdout).toBe('site,PEG_1,PEG_2,PEG_3,note,peg,peg_status,flags\nLeeds,7,5,6,"a, b",6,complete,\nYork,7,,6,,,not_scored,\n');
  });

  it('applies a named missing-data rule when asked', () => {
    const input = JSON.stringify(phq([2, 2, 2, 1, 1, 1, 1, 0, null]));
    expect(JSON.parse(timepoint(['score', '--instrument', 'phq9'], input).stdout).scales.total).toMatchObject({ value: 11.25, status: 'prorated' });
    expect(JSON.parse(timepoint(['score', '--instrument', 'phq9', '--missing', 'all_required'], input).stdout).scales.total).toMatchObject({ value: null, status: 'not_scored', rule: 'all_required' });
  });

  it('stops at a bad row, naming the row, the item and the allowed codes, and writes nothing to stdout', () => {
    const input = [phq([1, 1, 1, 1, 1, 1, 1, 1, 1]), phq([1, 1, 7, 1, 1, 1, 1, 1, 1])].map((r) => JSON.stringify(r)).join('\n');
    const { code, stdout, stderr } = timepoint(['score', '--instrument', 'phq9'], input);
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain('row 2, item PHQ9_3: 7 is not an allowed code (allowed: 0, 1, 2, 3)');
  });

  it('refuses an unknown instrument or rule before reading anything', () => {
    for (const [args, message] of [
      [['score', '--instrument', 'nope'], 'no instrument nope'],
      [['score', '--instrument', 'phq9', '--missing', 'guess'], 'phq9 has no missing-data rule "guess"'],
    ] as const) {
      const { code, stdout, stderr } = timepoint([...args], '');
      expect(code).not.toBe(0);
      expect(stdout).toBe('');
      expect(stderr).toContain(message);
    }
  });
});

describe('timepoint instruments', () => {
  it('lists the 23 instruments with their constructs, licence, whether wording ships and its languages', () => {
    const list = JSON.parse(timepoint(['instruments', '--json']).stdout) as Array<Record<string, unknown> & { id: string }>;
    expect(list).toHaveLength(23);
    expect(list.find((i) => i.id === 'bdi2')).toMatchObject({ constructs: ['mood'], licence: { category: 'LICENSE' }, wording: 'licensee file', languages: [] });
    expect(list.find((i) => i.id === 'phq9')).toMatchObject({ licence: { category: 'PD' }, nonCommercial: false, wording: 'shipped', languages: ['en'] });
    expect(list.find((i) => i.id === 'who5')).toMatchObject({
      constructs: ['well_being'], licence: { category: 'CC-NC', name: 'CC BY-NC-SA 3.0 IGO' }, nonCommercial: true,
    });
  });

  it('prints a table with a non-commercial flag and a French column, then each construct\'s shipped and licensee-file instruments', () => {
    const { code, stdout } = timepoint(['instruments']);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^id +version +constructs +licence +non-commercial +wording +French +items +scales$/);
    expect(lines.find((l) => l.startsWith('who5 '))).toMatch(/well_being +CC BY-NC-SA 3\.0 IGO +yes +licensee file/);
    expect(lines.find((l) => l.startsWith('phq9 '))).toMatch(/mood +PD +shipped +no +10 +total$/);
    expect(stdout).toContain('Fear-avoidance               shipped: none; licensee file: fabq, tsk17, tsk11');
    expect(stdout).toContain('Mood                         shipped: phq9, gad7; licensee file: promis29, bdi2, dass21');
    expect(stdout).toContain('Non-commercial licence (who5): a commercial deployment must replace it');
  });

  it('load-text --check checks the README\'s placeholder wording file without loading it, and names what a broken copy lacks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-check-'));
    const example = 'docs/examples/tsk11-wording-placeholder.json';
    const checked = timepoint(['instruments', 'load-text', '--file', example, '--check', '--data-dir', dir, '--dynamodb-port', '9']);
    expect(checked).toMatchObject({ code: 0, stderr: '' });
    expect(checked.stdout).toBe(`${example} covers every item and code of tsk11@1.0 (11 items); nothing loaded.\n`);
    expect(readdirSync(dir)).toEqual([]);

    const text = JSON.parse(readFileSync(example, 'utf8')) as { items: Record<string, { choices: Record<string, string> }> };
    delete text.items.TSK11_7!.choices['4'];
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify(text));
    const refused = timepoint(['instruments', 'load-text', '--file', broken, '--check']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('items.TSK11_7.choices: no label for code 4');
  });

  it('load-text stores a valid wording file in the local database and refuses an incomplete one naming the item', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-text-'));
    const good = join(dir, 'bdi2.json');
    const text = fakeLicensedText(findInstrument('bdi2')!.scoring);
    writeFileSync(good, JSON.stringify(text));
    const bad = join(dir, 'bad.json');
    const { BDI2_21: _dropped, ...rest } = text.items;
    writeFileSync(bad, JSON.stringify({ ...text, items: rest }));

    const refused = timepoint(['instruments', 'load-text', '--file', bad, '--data-dir', dir, '--dynamodb-port', '9']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('items.BDI2_21: has no wording');

    const loaded = timepoint(['instruments', 'load-text', '--file', good, '--data-dir', dir, '--dynamodb-port', '9']);
    expect(loaded.stderr).toBe('');
    expect(loaded.stdout).toContain('Loaded the wording of bdi2@1.0 (21 items)');

    const emulators = await startEmulators({ dataDir: join(dir, 'dynamodb'), dynamoPort: 0, sesPort: 0 });
    try {
      const db = createDb({ endpoint: emulators.dynamoEndpoint, region: 'eu-west-2' }, { research: LOCAL_TABLES.RESEARCH_TABLE, contacts: LOCAL_TABLES.CONTACTS_TABLE });
      expect(await createLicensedTextRepository(db).get('bdi2', '1.0')).toEqual(text);
    } finally {
      await emulators.stop();
    }
  });
});
