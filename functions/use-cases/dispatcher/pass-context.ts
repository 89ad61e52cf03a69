import type { Study } from '../../core/study/study';
import type { Deps } from '../deps';

/** What one dispatcher pass did, by kind of work. */
export interface DispatchReport {
  /** Allocating enrolments interrupted after their slot was written, finished from the slot. */
  enrolmentsFinished: number;
  /** Participants (re)planned. */
  planned: number;
  /** Completions whose follow-up (alerts, anchored timepoints) was done. */
  followedUp: number;
  expired: number;
  sent: number;
  skipped: number;
  /** Transient failures put back for a later retry. */
  retried: number;
  /** Held: not sent because an instrument's licensed wording is not installed (checked again in a few minutes). */
  held: number;
  failed: number;
  /** Claims of dead dispatchers taken over after their lease ran out. */
  recovered: number;
  /** Work due for participants this pass may not act on (time travel acts on test participants only). */
  leftAlone: number;
  /** Audit entries of changes whose writer died before appending them, appended now. */
  auditsRecovered: number;
  /** Participants enrolled from import jobs (import-jobs.ts), within `dispatch.importBudgetMs`. */
  imported: number;
  /** Import chunks whose enrolment failed for a reason not the rows' own (the database unavailable): retried once their lease lapses. */
  importErrors: number;
  /**
   * Import chunks that failed on every one of `dispatch.importAttempts` attempts and were given up
   * on: their rows not enrolled are reported failed on the job. Never routine: read the log's earlier importErrors.
   */
  importsGivenUp: number;
}

export interface DispatchOptions {
  /** Items of each kind of work handled per pass. */
  limit?: number;
  /**
   * Act only on test participants, leaving everyone else's due work untouched: what a pass on a
   * moved clock (time travel, `timepoint dispatch --now`) must do, so that it can never send real
   * participants early mail, expire their questionnaires or skip their reminders.
   */
  onlyTestParticipants?: boolean;
  /**
   * The demo seeding's passes (on its virtual clock) act on synthetic demo participants' records
   * only; every other pass leaves those alone (they are a snapshot, never emailed).
   */
  synthetic?: boolean;
}

/** The ports a pass uses, all of its jobs together. */
export type DispatchDeps = Pick<
  Deps,
  | 'studies'
  | 'participants'
  | 'contacts'
  | 'sendTargets'
  | 'instances'
  | 'messages'
  | 'links'
  | 'mailer'
  | 'audit'
  | 'auditOutbox'
  | 'clock'
  | 'secrets'
  | 'baseUrl'
  | 'dispatch'
  | 'catalogue'
  | 'licensedTexts'
  | 'allocations'
  | 'consents'
  | 'importJobs'
  | 'sealer'
  | 'random'
>;

/** A participant's piece of work, as the due index lists it. */
export interface ParticipantWork {
  studyId: string;
  code: string;
  synthetic?: boolean;
}

/**
 * What every job of one pass shares: its ports, its options, its counters and the reads it
 * caches for the pass (a study, whether a participant is a test participant).
 */
export interface PassContext {
  readonly deps: DispatchDeps;
  readonly options: DispatchOptions;
  /** Items of each kind of work handled per pass. */
  readonly limit: number;
  /** The pass's report so far; jobs add to it with `count`. */
  readonly report: Readonly<DispatchReport>;
  count(counter: keyof DispatchReport, by?: number): void;
  now(): Date;
  /** The study, read once per pass. */
  studyOf(studyId: string): Promise<Study | null>;
  /**
   * Whether this pass may act on a participant's work: a synthetic demo participant's only in the
   * seeding's passes (and nothing else there); a test participant's only, under time travel. Work
   * left alone is counted once per participant and `work`.
   */
  actsOn(item: ParticipantWork, work: string): Promise<boolean>;
}

export const emptyReport = (): DispatchReport => ({
  enrolmentsFinished: 0, planned: 0, followedUp: 0, expired: 0, sent: 0, skipped: 0, retried: 0, failed: 0, recovered: 0, auditsRecovered: 0, held: 0, leftAlone: 0, imported: 0, importErrors: 0, importsGivenUp: 0,
});

/** A fresh context for one pass. */
export function createPassContext(deps: DispatchDeps, options: DispatchOptions): PassContext {
  const report = emptyReport();
  const studies = new Map<string, Promise<Study | null>>();
  const isTest = new Map<string, Promise<boolean>>();
  const leftAlone = new Set<string>();
  const cached = <T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>) => {
    let hit = cache.get(key);
    if (hit === undefined) cache.set(key, (hit = read()));
    return hit;
  };
  return {
    deps,
    options,
    limit: options.limit ?? 500,
    report,
    count: (counter, by = 1) => void (report[counter] += by),
    now: () => deps.clock.now(),
    studyOf: (studyId) => cached(studies, studyId, () => deps.studies.get(studyId)),
    async actsOn(item, work) {
      if (item.synthetic !== undefined || options.synthetic) {
        if (Boolean(item.synthetic) !== Boolean(options.synthetic)) return false;
      }
      if (!options.onlyTestParticipants) return true;
      const key = `${item.studyId}|${item.code}`;
      const acts = await cached(isTest, key, () => deps.participants.get(item.studyId, item.code).then((p) => p?.test === true));
      if (!acts) {
        leftAlone.add(`${work}|${key}`);
        report.leftAlone = leftAlone.size;
      }
      return acts;
    },
  };
}
