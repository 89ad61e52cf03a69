import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { licensedTextSchema } from '../../functions/core/catalogue/licensed-text';
import type { Study } from '../../functions/core/study/study';
import { demoStudy } from '../../functions/demo/demo-study';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { createTestContext, type TestContext } from '../helpers/test-context';

// The README's worked example of the licensee path for a fear-avoidance instrument: no
// fear-avoidance instrument's wording may ship, so a study that measures fear-avoidance loads a
// wording file. The tracked example (docs/examples/tsk11-wording-placeholder.json) is placeholder
// text in the real format; here it goes through the whole path.
const example = licensedTextSchema().parse(
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'examples', 'tsk11-wording-placeholder.json'), 'utf8')),
);

const study: Study = {
  ...demoStudy,
  id: 'fear-avoidance',
  protocol: {
    version: 1,
    timepoints: demoStudy.protocol.timepoints.map((tp) => ({ ...tp, instruments: [{ id: 'peg3', version: '1.0' }, { id: 'tsk11', version: '1.0' }] })),
  },
};

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ now: '2026-03-02T10:00:00.000Z', study });
});

describe('adding a fear-avoidance instrument through the licensee path (README worked example)', () => {
  it('is placeholder text that says so on every item, never the instrument', () => {
    expect(Object.keys(example.items)).toHaveLength(11);
    for (const [id, item] of Object.entries(example.items)) {
      expect(item.title, id).toMatch(/^PLACEHOLDER \d+ of 11: not TSK-11 wording\./);
      expect(Object.values(item.choices ?? {}).every((label) => label.startsWith('Placeholder label'))).toBe(true);
    }
  });

  it('until loaded, invitations are held (never emailed a page that cannot be completed), naming TSK-11', async () => {
    const { email, code } = await t.enrol({ arm: 'mbpm' }, 'before-loading');
    await runDispatch(t.deps);
    expect(await t.inbox(email)).toEqual([]);
    const invitation = (await t.deps.messages.listForParticipant('fear-avoidance', code)).find((m) => m.kind === 'invitation' && m.timepoint === 'baseline');
    expect(invitation).toMatchObject({ status: 'held', reason: expect.stringContaining('tsk11@1.0') });
  });

  it('once loaded, shows the file’s wording and scores the answers with TSK-11’s rules', async () => {
    await t.deps.licensedTexts.put(example);
    const { token, code } = await t.invite();
    const view = (await (await t.request('GET', `/api/p/${token}`)).json()) as { status: string; instruments: Array<{ id: string; survey: unknown }> };
    expect(view.status).toBe('open');
    const form = JSON.stringify(view.instruments.find((i) => i.id === 'tsk11')!.survey);
    expect(form).toContain('PLACEHOLDER 1 of 11: not TSK-11 wording.');
    expect(form).toContain('Placeholder label for code 4');

    // TSK-11: eleven items coded 1–4, none reversed, total = sum (11–44).
    const answers = { PEG_1: 6, PEG_2: 5, PEG_3: 4, ...Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`TSK11_${i + 1}`, (i % 4) + 1])) };
    expect((await t.request('POST', `/api/p/${token}/submit`, { body: { answers } })).status).toBe(200);
    const instance = await t.deps.instances.get('fear-avoidance', code, 'baseline');
    // 1+2+3+4 + 1+2+3+4 + 1+2+3 = 26
    expect(instance!.scores!.find((s) => s.instrument === 'tsk11')!.scales.total).toMatchObject({ value: 26, status: 'complete' });
  });
});
