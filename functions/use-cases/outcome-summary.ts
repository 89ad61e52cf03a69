import { consortCounts, type ConsortCounts } from '../core/analysis/consort';
import { spreadsheetSafeCast } from '../core/export/spreadsheet-safe';
import type { OutcomeSummary } from '../core/analysis/outcome-summary';
import type { InstanceStatus } from '../core/schedule/records';
import { summaryColumns, summaryTableRows } from '../core/analysis/summary-table';
import type { PlotLabels } from '../core/analysis/trajectory-plot';
import { instrumentLookup } from '../core/catalogue/lookup';
import { badRequest, notFound } from '../core/errors';
import { groupLongRows, type LongRow } from '../core/export/long-rows';
import { participantGroups } from '../core/export/participant-groups';
import type { Study } from '../core/study/study';
import { scheduleOrder, scheduleOrderIds } from '../core/study/timepoint-order';
import { recordAudit } from './audit';
import type { Actor, Deps } from './deps';

export const summaryFormats = ['json', 'csv', 'svg'] as const;
export type SummaryFormat = (typeof summaryFormats)[number];

type ReadDeps = Pick<Deps, 'studies' | 'participants' | 'instances' | 'catalogue' | 'joins'>;

/**
 * A study and its long rows, read exactly as the long export reads them: page by page, one
 * participant at a time, from the research table only (contact details live in another table
 * this never touches). Only the scores are kept, not the instances.
 */
export async function studyLongRows(
  deps: ReadDeps,
  studyId: string,
  options: { includeTest?: boolean } = {},
): Promise<{ study: Study; rows: LongRow[]; consort: ConsortCounts; testParticipants: number }> {
  const study = await deps.studies.get(studyId);
  if (study === null) throw notFound(`study ${studyId}`);
  const everyone = await deps.participants.list(studyId);
  const tests = new Set(everyone.filter((p) => p.test).map((p) => p.code));
  // As in the exports: test participants are not research data unless asked for.
  const participants = options.includeTest ? everyone : everyone.filter((p) => !tests.has(p.code));
  const order = scheduleOrderIds(study.protocol.timepoints);
  const rows: LongRow[] = [];
  // The flow counts need each instance's state only, gathered on the same single pass.
  const states: Array<{ code: string; timepoint: string; status: InstanceStatus }> = [];
  const find = instrumentLookup(await deps.catalogue.list());
  for await (const group of participantGroups(participants, deps.instances.pagesForStudy(studyId))) {
    if (!options.includeTest && tests.has(group.code)) continue;
    rows.push(...groupLongRows(group, find, order));
    for (const i of group.instances) states.push({ code: i.code, timepoint: i.timepoint, status: i.status });
  }
  const screening = study.join ? await deps.joins.counts(studyId) : null;
  // The flow counts the same participants as the rows: test participants only when asked for.
  return { study, rows, consort: consortCounts(study, participants, states, screening), testParticipants: tests.size };
}

/** Instrument names and scale labels from the catalogue, for the figure's titles and axis labels. */
async function plotLabels(deps: Pick<Deps, 'catalogue'>, study: Study): Promise<PlotLabels> {
  const scales: PlotLabels['scales'] = [];
  const find = instrumentLookup(await deps.catalogue.list());
  for (const { id, version } of scheduleOrder(study.protocol.timepoints).flatMap((t) => t.instruments)) {
    const scoring = find(id, version)?.scoring;
    for (const scale of scoring?.scales ?? []) {
      if (!scales.some((s) => s.instrument === id && s.scale === scale.id)) {
        scales.push({ instrument: id, scale: scale.id, instrumentName: scoring!.name, label: scale.label });
      }
    }
  }
  return { title: study.name, timepoints: scheduleOrder(study.protocol.timepoints), arms: study.arms, scales };
}

/** Keeps the instrument × scale panels `scale` names: `phq9.total`, or `phq9` for all of an instrument's scales. */
function onlyScales(summary: OutcomeSummary, scale: string | undefined): OutcomeSummary {
  if (scale === undefined) return summary;
  const [instrument, name] = scale.split('.', 2);
  const wanted = (s: { instrument: string; scale: string }) => s.instrument === instrument && (name === undefined || s.scale === name);
  const scales = summary.scales.filter(wanted);
  if (scales.length === 0) {
    const known = summary.scales.map((s) => `${s.instrument}.${s.scale}`);
    throw badRequest('scale', `no scale "${scale}" in this study's data (available: ${known.join(', ') || 'none yet'})`);
  }
  return { ...summary, scales, rows: summary.rows.filter(wanted), trajectories: summary.trajectories.filter(wanted) };
}

export interface SummaryQuery {
  format?: string | undefined;
  /** `1`: count test participants too (they are left out by default). */
  include_test?: string | undefined;
  followup?: string | undefined;
  reference?: string | undefined;
  scale?: string | undefined;
}

export type SummaryResponse =
  | { format: 'json'; summary: OutcomeSummary & { consort: ConsortCounts; testParticipants: { count: number; included: boolean } } }
  | { format: 'csv' | 'svg'; contentType: string; filename: string; body: string };

/**
 * The outcome summary of a study (docs/outcome-summary.md) as JSON, CSV (one row per
 * instrument × scale × arm) or an SVG figure of each scale's trajectory by arm.
 */
export async function studyOutcomeSummary(
  deps: ReadDeps & Pick<Deps, 'audit' | 'clock' | 'secrets'>,
  actor: Actor,
  studyId: string,
  query: SummaryQuery,
): Promise<SummaryResponse> {
  const format = query.format ?? 'json';
  if (!(summaryFormats as readonly string[]).includes(format)) {
    throw badRequest('format', `unknown summary format "${format}" (available: ${summaryFormats.join(', ')})`);
  }
  if (query.include_test !== undefined && query.include_test !== '0' && query.include_test !== '1') {
    throw badRequest('include_test', 'use 1 to include test participants, or 0 (the default) to leave them out');
  }
  const includeTest = query.include_test === '1';
  // The statistics (jstat), the chart (d3) and the CSV writer are imported with the first summary,
  // not with the staff API, whose every cold start would otherwise compile them.
  const [{ study, rows, consort, testParticipants }, { outcomeSummary }] = await Promise.all([
    studyLongRows(deps, studyId, { includeTest }),
    import('../core/analysis/outcome-summary'),
  ]);
  const summary = onlyScales(
    outcomeSummary(rows, { timepoints: scheduleOrder(study.protocol.timepoints), arms: study.arms, followup: query.followup, reference: query.reference }),
    query.scale,
  );
  await recordAudit(deps, {
    scope: `study:${studyId}`,
    actor,
    action: 'summary.viewed',
    target: `study:${studyId}`,
    after: { format, followup: summary.followup, reference: summary.reference, ...(query.scale ? { scale: query.scale } : {}), ...(includeTest ? { includeTest } : {}) },
  });

  const date = deps.clock.now().toISOString().slice(0, 10);
  const stem = `${studyId}-summary-${summary.followup}${query.scale ? `-${query.scale}` : ''}-${date}`;
  switch (format) {
    case 'csv': {
      const { stringify } = await import('csv-stringify/sync');
      return {
        format,
        contentType: 'text/csv; charset=utf-8',
        filename: `${stem}.csv`,
        body: stringify([...summaryTableRows(summary)], { header: true, columns: [...summaryColumns], cast: spreadsheetSafeCast }),
      };
    }
    case 'svg': {
      const { trajectorySvg } = await import('../core/analysis/trajectory-plot');
      return { format, contentType: 'image/svg+xml; charset=utf-8', filename: `${stem}.svg`, body: trajectorySvg(summary, await plotLabels(deps, study)) };
    }
    default:
      return { format: 'json', summary: { ...summary, consort, testParticipants: { count: testParticipants, included: includeTest } } };
  }
}
