import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aygunStudy, demoStudy } from '../../functions/demo/demo-study';
import { simulate } from '../../scripts/local/simulate';

const bin = join(import.meta.dirname, '..', '..', 'scripts', 'timepoint.mjs');

describe('simulating a schedule', () => {
  it('lists what a participant gets, in time order, at 09:00 local with the offset of the day', async () => {
    const events = await simulate({
      study: demoStudy,
      arm: 'mbpm',
      timezone: 'Europe/London',
      enrolledAt: '2026-03-02T09:00:00.000Z',
      completions: [{ timepoint: 'baseline', at: '2026-03-05T20:00:00.000Z' }],
      until: '2026-05-31T23:59:59.000Z',
    });
    expect(events.map((e) => [e.at, e.kind, e.timepoint, e.n ?? null, e.status ?? null])).toEqual([
      ['2026-03-02T09:00:00.000+00:00', 'invite', 'baseline', 0, 'sent'],
      ['2026-03-04T09:00:00.000+00:00', 'reminder', 'baseline', 1, 'sent'],
      ['2026-03-05T20:00:00.000+00:00', 'complete', 'baseline', null, null],
      ['2026-03-05T20:00:00.000+00:00', 'reminder', 'baseline', 2, 'cancelled'],
      // British Summer Time from 29 March: still 09:00 local.
      ['2026-04-27T09:00:00.000+01:00', 'invite', 'week8', 0, 'sent'],
      ['2026-04-29T09:00:00.000+01:00', 'reminder', 'week8', 1, 'sent'],
      ['2026-05-02T09:00:00.000+01:00', 'reminder', 'week8', 2, 'sent'],
      ['2026-05-04T09:00:00.000+01:00', 'expire', 'week8', null, 'expired'],
    ]);
  });

  it('stops at --until and shows a healthy control only the baseline', async () => {
    const events = await simulate({ study: demoStudy, arm: 'healthy', timezone: 'Europe/Paris', enrolledAt: '2026-03-02T08:00:00.000Z', completions: [], until: '2026-03-05T00:00:00.000Z' });
    expect(events.map((e) => `${e.kind}:${e.timepoint}`)).toEqual(['invite:baseline', 'reminder:baseline']);
  });

  it('reports a completion that could not happen (window already closed)', async () => {
    const events = await simulate({
      study: aygunStudy,
      arm: 'healthy',
      timezone: 'Europe/London',
      enrolledAt: '2026-03-02T09:00:00.000Z',
      completions: [{ timepoint: 'baseline', at: '2026-03-20T10:00:00.000Z' }],
      until: '2026-03-31T00:00:00.000Z',
    });
    expect(events.find((e) => e.kind === 'complete')).toMatchObject({ status: 'refused', reason: 'the instance was not open then' });
  });
});

describe('timepoint simulate', () => {
  it('prints JSON Lines with ISO times carrying the participant’s offset', () => {
    const result = spawnSync(
      process.execPath,
      [bin, 'simulate', '--study', 'demo', '--arm', 'waitlist', '--tz', 'America/Chicago', '--enrolled', '2026-03-02', '--until', '2026-03-03', '--json', '--data-dir', mkdtempSync(join(tmpdir(), 'tp-sim-')) + '/none'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    // Where the study came from goes to standard error, keeping standard output JSON Lines.
    expect(result.stderr).toMatch(/^Study "demo" \(protocol version 1\) from the built-in demo definition \(no data folder at .*none\)\.\n$/);
    expect(result.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { at: '2026-03-02T09:00:00.000-06:00', kind: 'invite', timepoint: 'baseline', n: 0, status: 'sent' },
    ]);
  });

  it('uses the study definition in the data folder, the one the platform uses, and says so', async () => {
    const { connectToData } = await import('../../scripts/local/data-connection');
    const dir = mkdtempSync(join(tmpdir(), 'tp-sim-data-'));
    const data = await connectToData({ dataDir: dir, dynamoPort: 9 });
    // This deployment's demo study sends week 8 at 63 days, not 56 as the built-in one does.
    await data.deps.studies.createIfAbsent({
      ...demoStudy,
      protocol: { ...demoStudy.protocol, timepoints: demoStudy.protocol.timepoints.map((t) => (t.id === 'week8' ? { ...t, offsetDays: 63 } : t)) },
    });
    await data.close();
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'simulate', '--arm', 'mbpm', '--enrolled', '2026-03-02', '--until', '2026-05-10', '--data-dir', dir, '--dynamodb-port', '9', ...args], { encoding: 'utf8', timeout: 60_000 });
    const result = run('--study', 'demo');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Study "demo" (protocol version 1) from the data in ${dir}.`);
    expect(result.stdout).toContain('2026-05-04 09:00:00+01:00  invite      week8');
    expect(result.stdout).not.toContain('2026-04-27');
    // A study the folder does not have, but the built-in demos do: that definition, saying why.
    const fallback = run('--study', 'aygun2024');
    expect(fallback.status).toBe(0);
    expect(fallback.stdout).toContain(`from the built-in demo definition (not in the data in ${dir}, which has only demo)`);
    // Neither: a clear refusal, not a crash.
    const unknown = run('--study', 'nosuch');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain(`--study: no study "nosuch" (the data in ${dir}, which has only demo)`);
  });

  it('never crashes on a data folder it cannot read: it says what went wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-sim-bad-'));
    writeFileSync(join(dir, 'dynamodb'), 'not a database folder');
    const result = spawnSync(process.execPath, [bin, 'simulate', '--study', 'demo', '--arm', 'mbpm', '--enrolled', '2026-03-02', '--until', '2026-03-03', '--data-dir', dir, '--dynamodb-port', '9'], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).not.toMatch(/\bat .*\.(ts|js|mjs):\d+/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses an unknown arm clearly', () => {
    const result = spawnSync(process.execPath, [bin, 'simulate', '--study', 'demo', '--arm', 'placebo', '--enrolled', '2026-03-02', '--until', '2026-03-03', '--data-dir', '/nonexistent-tp'], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('--arm: unknown arm "placebo"');
  });
});

describe('timepoint dispatch', () => {
  it('runs one pass over the local data as of --now for test participants only, and reports it', async () => {
    const { startEmulators } = await import('../../scripts/local/emulators');
    const { connectToData } = await import('../../scripts/local/data-connection');
    const { fixedClock } = await import('../../functions/adapters/system/system-clock');
    const { enrolParticipant } = await import('../../functions/use-cases/enrol-participant');
    const dir = mkdtempSync(join(tmpdir(), 'tp-dispatch-'));
    // Seed the folder the way `npm start` would, then stop (the CLI opens the folder itself).
    const data = await connectToData({ dataDir: dir, dynamoPort: 9, clock: fixedClock('2026-03-02T08:00:00.000Z') });
    await data.deps.studies.createIfAbsent(demoStudy);
    const { code } = await enrolParticipant(data.deps, 'system:test', 'demo', { email: 'cli@participants.test', arm: 'mbpm', test: true });
    const real = await enrolParticipant(data.deps, 'system:test', 'demo', { email: 'real@participants.test', arm: 'mbpm' });
    await data.close();

    const run = (now: string) =>
      spawnSync(process.execPath, [bin, 'dispatch', '--now', now, '--json', '--data-dir', dir, '--dynamodb-port', '9'], { encoding: 'utf8', timeout: 60_000 });
    const early = run('2026-03-02T08:30:00Z');
    expect(early.stderr).toBe('');
    expect(JSON.parse(early.stdout)).toMatchObject({ sent: 0 });
    const due = run('2026-03-02T09:00:05Z');
    expect(JSON.parse(due.stdout)).toMatchObject({ sent: 1, leftAlone: 1 });

    const emulators = await startEmulators({ dataDir: join(dir, 'dynamodb'), dynamoPort: 0, sesPort: 0 });
    try {
      const reopened = await connectToData({ dataDir: dir, dynamoPort: Number(new URL(emulators.dynamoEndpoint).port) });
      const messages = await reopened.deps.messages.listForParticipant('demo', code);
      expect(messages.find((m) => m.kind === 'invitation')).toMatchObject({ status: 'sent', sentAt: '2026-03-02T09:00:05.000Z' });
      // Time travel never acts on a participant who is not a test participant.
      const untouched = await reopened.deps.messages.listForParticipant('demo', real.code);
      expect(untouched.find((m) => m.kind === 'invitation')).toMatchObject({ status: 'planned' });
      await reopened.close();
    } finally {
      await emulators.stop();
    }
  });

  it('refuses a --now that is not an instant', () => {
    const result = spawnSync(process.execPath, [bin, 'dispatch', '--now', 'tomorrow', '--data-dir', '/nonexistent-tp', '--dynamodb-port', '9'], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('--now: not an ISO 8601 instant: tomorrow');
  });
});
