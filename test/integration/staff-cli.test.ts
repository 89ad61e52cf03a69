import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { connectToData } from '../../scripts/local/data-connection';
import { createTestContext } from '../helpers/test-context';

const bin = join(import.meta.dirname, '..', '..', 'scripts', 'timepoint.mjs');
const timepoint = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

describe('npx timepoint staff, on a local data folder', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tp-staff-'));
  const local = ['--data-dir', dir, '--dynamodb-port', '9'];

  it('bootstraps the first admin of an empty deployment, lists and removes accounts', async () => {
    expect(timepoint(['staff', 'list', ...local]).stdout).toContain('No staff accounts');

    const added = timepoint(['staff', 'add', '--email', 'First.Admin@Site.org', '--role', 'admin', '--name', 'First Admin', ...local]);
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toContain('Added: admin first.admin@site.org (every study)');

    const listed = JSON.parse(timepoint(['staff', 'list', '--json', ...local]).stdout);
    expect(listed).toEqual([{ email: 'first.admin@site.org', name: 'First Admin', role: 'admin', studies: [] }]);

    const data = await connectToData({ dataDir: dir, dynamoPort: 9 });
    try {
      const audit = await data.deps.audit.list('staff');
      expect(audit).toEqual([expect.objectContaining({ action: 'staff.created', target: 'staff:first.admin@site.org', actor: expect.stringMatching(/^system:cli/) })]);
    } finally {
      await data.close();
    }

    expect(timepoint(['staff', 'remove', '--email', 'first.admin@site.org', ...local])).toMatchObject({ code: 0 });
    expect(JSON.parse(timepoint(['staff', 'list', '--json', ...local]).stdout)).toEqual([]);
  });

  it('changes an existing account in place and says what it was', () => {
    timepoint(['staff', 'add', '--email', 'pi@site.org', '--role', 'analyst', ...local]);
    const changed = timepoint(['staff', 'add', '--email', 'pi@site.org', '--role', 'admin', ...local]);
    expect(changed.stdout).toContain('Updated (was analyst pi@site.org (studies: none yet)): admin pi@site.org (every study)');
  });

  it('refuses bad input in one line naming the option, and changes nothing', () => {
    const before = timepoint(['staff', 'list', '--json', ...local]).stdout;
    for (const [args, message] of [
      [['--email', 'not-an-address', '--role', 'admin'], '--email: not an email address'],
      [['--email', 'x@site.org', '--role', 'boss'], '--role: must be one of admin, coordinator, analyst (got "boss")'],
      [['--email', 'x@site.org', '--role', 'coordinator', '--study', 'nosuch'], '--study: no study nosuch'],
    ] as const) {
      const result = timepoint(['staff', 'add', ...args, ...local]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(`timepoint: ${message}`);
    }
    expect(timepoint(['staff', 'remove', '--email', 'nobody@site.org', ...local]).stderr.trim()).toBe('timepoint: staff account nobody@site.org not found');
    expect(timepoint(['staff', 'list', '--json', ...local]).stdout).toBe(before);
  });
});

describe('npx timepoint staff, on a deployment', { timeout: 60_000 }, () => {
  it('reaches the tables named by a cdk outputs file (here on the emulator)', async () => {
    const ctx = await createTestContext();
    const outputs = join(mkdtempSync(join(tmpdir(), 'tp-outputs-')), 'cdk-outputs.json');
    writeFileSync(
      outputs,
      JSON.stringify({
        'Timepoint-test-Data': { ResearchTable: ctx.db.tables.research, ContactsTable: ctx.db.tables.contacts, Region: 'eu-west-2' },
        'Timepoint-test-App': { Url: 'https://trial.example.org' },
      }),
    );
    const env = { DYNAMODB_ENDPOINT: inject('dynamoEndpoint'), AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };
    const added = timepoint(['staff', 'add', '--email', 'lead@trial.example.org', '--role', 'admin', '--deployment', outputs], env);
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain(`Added: admin lead@trial.example.org (every study), in the deployment's table ${ctx.db.tables.research}.`);
    expect(added.stdout).toContain('They sign in at https://trial.example.org/ with that address.');
    expect(await ctx.deps.staff.get('lead@trial.example.org')).toMatchObject({ role: 'admin' });
  });

  it('reaches the tables named by RESEARCH_TABLE and CONTACTS_TABLE, as dispatch does', async () => {
    const ctx = await createTestContext();
    const env = {
      RESEARCH_TABLE: ctx.db.tables.research,
      CONTACTS_TABLE: ctx.db.tables.contacts,
      DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    };
    expect(timepoint(['staff', 'add', '--email', 'co@trial.example.org', '--role', 'coordinator', '--study', 'demo'], env).code).toBe(0);
    expect(await ctx.deps.staff.get('co@trial.example.org')).toMatchObject({ role: 'coordinator', studies: ['demo'] });
  });

  it('refuses an outputs file without the data stack in one line', () => {
    const outputs = join(mkdtempSync(join(tmpdir(), 'tp-outputs-')), 'cdk-outputs.json');
    writeFileSync(outputs, JSON.stringify({ 'Timepoint-test-App': { Url: 'https://trial.example.org' } }));
    const result = timepoint(['staff', 'list', '--deployment', outputs]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('has no Timepoint data stack outputs (ResearchTable, ContactsTable)');
  });
});
