/**
 * The targets of the micro benchmarks, read from `vitest bench --outputJson`: for each instrument
 * of scoring.bench.ts, the engine against its survey-core baseline (≥ 200×, issue 2's goal), and
 * 100,000 PROMIS-29 responses in under a second. Medians of the per-response times: on a shared
 * machine the mean carries every pause the other tenants cause.
 */
import os from 'node:os';
import { fmtInt, fmtMs, machine, type BenchJson, type Target } from '../lib/harness';

interface VitestBench {
  files: Array<{ groups: Array<{ fullName: string; benchmarks: Array<{ name: string; median: number; mean: number; sampleCount: number }> }> }>;
}

export function scoringVerdicts(raw: unknown): BenchJson {
  const targets: Target[] = [];
  const notes: string[] = [];
  for (const group of (raw as VitestBench).files.flatMap((f) => f.groups)) {
    const instrument = /> (\w+):/.exec(group.fullName)?.[1] ?? group.fullName;
    const engine = group.benchmarks.find((b) => b.name.startsWith('Timepoint engine'));
    const baseline = group.benchmarks.find((b) => b.name.startsWith('survey-core'));
    if (!engine || !baseline) continue;
    const ratio = baseline.median / engine.median;
    targets.push({
      name: `${instrument}: one response scored, median`,
      measured: `${(engine.median * 1000).toFixed(2)} µs (engine)`,
      baseline: `${fmtMs(baseline.median)} (survey-core calculated values)`,
      ratio,
      goal: '≥ 200× survey-core',
      met: ratio >= 200,
    });
    if (instrument === 'promis29') {
      const ms = engine.median * 100_000;
      targets.push({ name: 'promis29: 100,000 responses (median × 100,000)', measured: fmtMs(ms), goal: '< 1 s', met: ms < 1000 });
    }
    notes.push(`${instrument}: engine ${fmtInt(engine.sampleCount)} samples (mean ${(engine.mean * 1000).toFixed(2)} µs), survey-core ${fmtInt(baseline.sampleCount)} (mean ${fmtMs(baseline.mean)})`);
  }
  return { bench: 'scoring', title: 'Scoring: the engine against survey-core calculated values', machine: machine(os.loadavg()), targets, notes, usage: {}, valid: targets.length > 0 };
}
