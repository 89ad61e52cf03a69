import { describe, expect, it } from 'vitest';
import { instanceGroups, participantGroups } from '../../functions/core/export/participant-groups';
import type { Instance } from '../../functions/core/schedule/records';
import type { Participant } from '../../functions/core/study/study';

const instance = (code: string, timepoint: string): Instance =>
  ({ studyId: 'demo', code, timepoint, arm: 'mbpm', status: 'scheduled', dueAt: '', opensAt: '', closesAt: '', instruments: [] }) as Instance;
const participant = (code: string) => ({ studyId: 'demo', code, arm: 'mbpm', status: 'active' }) as Participant;

/** Pages as the table returns them: sort-key order, split wherever the page size falls. */
async function* pages(...list: Instance[][]): AsyncGenerator<Instance[]> {
  for (const page of list) yield page;
}
const collect = async <T>(items: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};
const summary = (groups: Array<{ code: string; instances: Instance[]; participant?: Participant }>) =>
  groups.map((g) => `${g.code}${'participant' in g && g.participant === undefined ? '(orphan)' : ''}:${g.instances.map((i) => i.timepoint).join(',')}`);

describe('grouping instance pages by participant', () => {
  it('keeps a participant together across page boundaries', async () => {
    const groups = await collect(
      instanceGroups(pages([instance('P-0001', 'baseline')], [instance('P-0001', 'week8'), instance('P-0002', 'baseline')], [instance('P-0002', 'week8')])),
    );
    expect(summary(groups)).toEqual(['P-0001:baseline,week8', 'P-0002:baseline,week8']);
  });

  it('refuses pages out of key order rather than splitting a participant', async () => {
    const run = collect(instanceGroups(pages([instance('P-0002', 'baseline'), instance('P-0001', 'baseline')])));
    await expect(run).rejects.toThrow('instances out of order: P-0001 after P-0002');
  });

  it('yields nothing for no pages', async () => {
    expect(await collect(instanceGroups(pages()))).toEqual([]);
  });
});

describe('joining participants with their instances', () => {
  it('gives every participant, in code order, an empty group when nothing is planned yet, and keeps orphans', async () => {
    const groups = await collect(
      participantGroups(
        [participant('P-0004'), participant('P-0001'), participant('P-0002')],
        pages([instance('P-0002', 'baseline'), instance('P-0003', 'baseline')]),
      ),
    );
    expect(summary(groups)).toEqual(['P-0001:', 'P-0002:baseline', 'P-0003(orphan):baseline', 'P-0004:']);
    expect(groups[1]!.participant?.code).toBe('P-0002');
  });

  it('orders codes by code unit (the table’s order), not by locale', async () => {
    const groups = await collect(participantGroups([participant('b-1'), participant('B-2'), participant('A-3')], pages()));
    expect(groups.map((g) => g.code)).toEqual(['A-3', 'B-2', 'b-1']);
  });
});

describe('joining participant pages with instance pages (neither held whole)', () => {
  async function* participantPages(...list: Participant[][]): AsyncGenerator<Participant[]> {
    for (const page of list) yield page;
  }

  it('joins the same way as a list does, whatever the page boundaries on either side', async () => {
    const instances = () => pages([instance('P-0002', 'baseline')], [instance('P-0002', 'week8'), instance('P-0003', 'baseline')], [instance('P-0005', 'baseline')]);
    const all = ['P-0001', 'P-0002', 'P-0004', 'P-0005', 'P-0006'].map(participant);
    const fromList = summary(await collect(participantGroups(all, instances())));
    expect(fromList).toEqual(['P-0001:', 'P-0002:baseline,week8', 'P-0003(orphan):baseline', 'P-0004:', 'P-0005:baseline', 'P-0006:']);
    for (const split of [[1, 4], [2], [5], [3, 4]]) {
      const paged: Participant[][] = [];
      let from = 0;
      for (const to of [...split, all.length]) {
        paged.push(all.slice(from, to));
        from = to;
      }
      expect(summary(await collect(participantGroups(participantPages(...paged), instances()))), `split at ${split.join(',')}`).toEqual(fromList);
    }
  });

  it('reads participant pages only as the export reaches them: one participant ahead, never the rest', async () => {
    const read: number[] = [];
    async function* counted(): AsyncGenerator<Participant[]> {
      for (const [index, page] of [[participant('P-0001')], [participant('P-0002')], [participant('P-0003')]].entries()) {
        read.push(index);
        yield page;
      }
    }
    const groups = participantGroups(counted(), pages([instance('P-0001', 'baseline')]))[Symbol.asyncIterator]();
    expect((await groups.next()).value?.code).toBe('P-0001');
    expect(read).toEqual([0, 1]);
    expect((await groups.next()).value?.code).toBe('P-0002');
    expect(read).toEqual([0, 1]);
    expect((await groups.next()).value?.code).toBe('P-0003');
    expect(read).toEqual([0, 1, 2]);
  });

  it('refuses participant pages out of code order rather than dropping participants', async () => {
    const run = collect(participantGroups(participantPages([participant('P-0002')], [participant('P-0001')]), pages()));
    await expect(run).rejects.toThrow('participants out of order: P-0001 after P-0002');
  });
});
