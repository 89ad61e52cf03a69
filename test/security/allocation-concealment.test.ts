import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/dynamodb/keys';
import { envelopeSealer, localKeyWrapper } from '../../functions/adapters/system/envelope-sealer';
import type { SealedAllocationState } from '../../functions/core/allocation/allocate';
import { rolesFor } from '../../functions/core/auth/permissions';
import { apiRoutes } from '../../functions/http/api-routes';
import { allocationSealContext } from '../../functions/use-cases/allocate-participant';
import { allocatingStudy } from '../helpers/allocation-study';
import { createTestContext, type TestContext } from '../helpers/test-context';

/**
 * Concealment of the allocation sequence: whatever a coordinator can read through the API is a
 * function of past allocations only. The test proves it by changing the future (as only the key
 * holder could: opening the sealed state, rewriting the block in progress, sealing it again) and
 * showing that no response a coordinator can get changes, while the next enrolment follows the
 * new future.
 */
describe('a coordinator cannot learn the next allocation from any endpoint', () => {
  let t: TestContext;
  let coordinator: string;
  let admin: string;
  const study = allocatingStudy({ strata: [], levels: {}, blockSizes: [4, 6] }, 'concealed');

  beforeAll(async () => {
    t = await createTestContext({ now: '2026-03-02T10:00:00.000Z', study });
    coordinator = await t.coordinator();
    admin = await t.signIn({ email: 'admin@concealed.test', role: 'admin', studies: [] });
    // Five allocations: the second block is under way whatever the sizes drawn.
    for (let i = 0; i < 5; i++) {
      const response = await t.request('POST', '/api/studies/concealed/participants', { token: coordinator, body: { email: t.uniqueEmail(`c${i}`) } });
      expect(response.status).toBe(201);
    }
  });

  /** Every GET a coordinator may call (from the route registry, so a new endpoint is covered), every export and summary format. */
  async function everythingACoordinatorCanRead(): Promise<Record<string, string>> {
    const [participant] = await t.deps.participants.list('concealed');
    const paths = apiRoutes
      .filter((r) => r.method === 'get' && 'capability' in r && rolesFor(r.capability).includes('coordinator'))
      .map((r) => r.path.replace(':studyId', 'concealed').replace(':code', participant!.code).replace(':timepoint', 'baseline'));
    const extra = ['long', 'wide', 'items', 'codebook', 'codebook-json', 'fhir'].map((f) => `/api/studies/concealed/export?format=${f}`);
    extra.push(...['json', 'csv', 'svg'].map((f) => `/api/studies/concealed/summary?format=${f}`));
    const seen: Record<string, string> = {};
    for (const path of [...paths, ...extra]) {
      const response = await t.request('GET', path, { token: coordinator });
      expect(response.status, path).toBeLessThan(500);
      let body = await response.text();
      // Reading exports and summaries is itself audited: those new entries are not about allocation.
      if (path.endsWith('/audit')) {
        const trail = JSON.parse(body) as { entries: Array<{ action: string }> };
        body = JSON.stringify(trail.entries.filter((e) => e.action !== 'export.downloaded' && e.action !== 'summary.viewed'));
      }
      seen[`${response.status} ${path}`] = body;
    }
    expect(Object.keys(seen).length).toBeGreaterThan(12);
    return seen;
  }

  it('reads nothing that depends on the future: every response is identical after the future is changed, and the next enrolment follows the new future', async () => {
    const before = await everythingACoordinatorCanRead();

    // The key holder rewrites what comes next: the current block is replaced by one that starts with the other arm.
    const latest = (await t.deps.allocations.latest('concealed'))!;
    const sealer = envelopeSealer(localKeyWrapper(t.allocationKey));
    const context = allocationSealContext('concealed', latest.sequence);
    const state = JSON.parse(await sealer.open(latest.sealed, context)) as SealedAllocationState;
    const block = state.blocks.all!;
    const planned = block.next < block.arms.length ? block.arms[block.next]! : null;
    const forced = planned === 'mbpm' ? 'waitlist' : 'mbpm';
    const rewritten: SealedAllocationState = { blocks: { all: { arms: [forced, forced === 'mbpm' ? 'waitlist' : 'mbpm'], next: 0 } } };
    await t.db.doc.send(
      new UpdateCommand({
        TableName: t.db.tables.research,
        Key: keys.allocation('concealed', latest.sequence),
        UpdateExpression: 'SET sealed = :sealed',
        ExpressionAttributeValues: { ':sealed': await sealer.seal(JSON.stringify(rewritten), context) },
      }),
    );

    expect(await everythingACoordinatorCanRead()).toEqual(before);
    const next = await t.request('POST', '/api/studies/concealed/participants', { token: coordinator, body: { email: t.uniqueEmail('next') } });
    expect(((await next.json()) as { arm: string }).arm).toBe(forced);
  });

  it('never shows the block sizes to anyone but admins: not in the study, not in its audit trail', async () => {
    const asCoordinator = (await (await t.request('GET', '/api/studies/concealed', { token: coordinator })).json()) as { allocation: Record<string, unknown> };
    expect(asCoordinator.allocation).toEqual({ method: 'blocked', arms: { mbpm: 1, waitlist: 1 }, strata: [], levels: {} });
    const asAdmin = (await (await t.request('GET', '/api/studies/concealed', { token: admin })).json()) as { allocation: Record<string, unknown> };
    expect(asAdmin.allocation.blockSizes).toEqual([4, 6]);
    await t.request('PUT', '/api/studies/concealed/settings', { token: coordinator, body: { name: 'Concealed (renamed)' } });
    const trail = await (await t.request('GET', '/api/studies/concealed/audit', { token: coordinator })).text();
    expect(trail).toContain('study.settings-changed');
    expect(trail).not.toContain('blockSizes');
  });

  it('stores the state sealed: the table holds no block in the clear, and a slot’s sealed state opens for that slot only', async () => {
    const items = await t.scan('research');
    const slots = items.filter((i) => String(i.sk).startsWith('ALLOCATION#'));
    expect(slots.length).toBeGreaterThanOrEqual(6);
    for (const item of items) {
      const { sealed, ...clear } = item;
      expect(JSON.stringify(clear)).not.toContain('"blocks"');
      // A block is a list of arms: none is in any slot in the clear.
      if (String(item.sk).startsWith('ALLOCATION#')) expect(JSON.stringify(clear)).not.toMatch(/"arms":\[/);
      if (sealed !== undefined) expect(String(sealed)).not.toMatch(/mbpm|waitlist/);
    }
    const latest = (await t.deps.allocations.latest('concealed'))!;
    await expect(t.deps.sealer.open(latest.sealed, allocationSealContext('concealed', latest.sequence))).resolves.toContain('blocks');
    // Moved to another slot or study, or opened with another key, it does not open.
    await expect(t.deps.sealer.open(latest.sealed, allocationSealContext('concealed', latest.sequence - 1))).rejects.toThrow();
    await expect(t.deps.sealer.open(latest.sealed, allocationSealContext('other-study', latest.sequence))).rejects.toThrow();
    const stranger = envelopeSealer(localKeyWrapper(Buffer.alloc(32, 7)));
    await expect(stranger.open(latest.sealed, allocationSealContext('concealed', latest.sequence))).rejects.toThrow();
  });
});
