import { describe, expect, it } from 'vitest';
import { aygunStudy, demoStudy } from '../../functions/demo/demo-study';
import { bundledCatalogue } from '../../functions/adapters/bundled-catalogue/catalogue-port';
import { validateStudy } from '../../functions/use-cases/create-study';

const deps = { catalogue: bundledCatalogue };
const problemsOf = async (input: unknown) => {
  try {
    await validateStudy(deps, input);
    return [];
  } catch (error) {
    return (error as { details?: Array<{ field: string; message: string }> }).details ?? [];
  }
};

describe('study definitions', () => {
  it('accept both seeded studies', async () => {
    expect(await problemsOf(demoStudy)).toEqual([]);
    expect(await problemsOf(aygunStudy)).toEqual([]);
  });

  it('refuse an instrument version that is not installed', async () => {
    const study = { ...demoStudy, protocol: { ...demoStudy.protocol, timepoints: [{ ...demoStudy.protocol.timepoints[0]!, instruments: [{ id: 'phq9', version: '7' }] }] } };
    expect(await problemsOf(study)).toEqual([{ field: 'protocol.timepoints.0.instruments', message: 'instrument phq9@7 is not installed (see `npx timepoint instruments`)' }]);
  });

  it('accept a named missing-data rule of the instrument and refuse an unknown one', async () => {
    expect(await problemsOf({ ...demoStudy, missingRules: { phq9: 'all_required', promis29: 'promis_legacy_50' } })).toEqual([]);
    expect(await problemsOf({ ...demoStudy, missingRules: { phq9: 'round_up' } })).toEqual([
      { field: 'missingRules.phq9', message: 'phq9 has no missing-data rule "round_up" (it has: nhs_mean_substitution, all_required)' },
    ]);
  });

  it('refuse a timepoint holding two instruments that share item ids (FFMQ-39 and FFMQ-15)', async () => {
    const both = [{ id: 'ffmq39', version: '1.0' }, { id: 'ffmq15', version: '1.0' }];
    const study = { ...demoStudy, protocol: { ...demoStudy.protocol, timepoints: [{ ...demoStudy.protocol.timepoints[0]!, instruments: both }] } };
    expect((await problemsOf(study))[0]?.message).toMatch(/ffmq39 and ffmq15 share item FFMQ_/);
  });

  it('refuse a timepoint anchored on the completion of one its arms never get', async () => {
    const [baseline, week8] = demoStudy.protocol.timepoints;
    const study = { ...demoStudy, protocol: { version: 1, timepoints: [{ ...baseline!, arms: ['mbpm'] }, { ...week8!, anchor: 'baseline.completed' }] } };
    expect(await problemsOf(study)).toEqual([{ field: 'protocol.timepoints.1.anchor', message: 'arm waitlist never gets "baseline", so would never get "week8"' }]);
  });

  it('refuse timepoints for arms the study does not have, and anchors on unknown timepoints', async () => {
    const t = demoStudy.protocol.timepoints[1]!;
    const study = { ...demoStudy, protocol: { version: 1, timepoints: [{ ...t, arms: ['placebo'], anchor: 'screening.completed' }] } };
    expect((await problemsOf(study)).map((p) => p.message)).toEqual(expect.arrayContaining(['anchors on unknown timepoint "screening"', 'unknown arm "placebo"']));
  });
});
