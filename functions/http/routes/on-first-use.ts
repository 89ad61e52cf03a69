/**
 * The staff routes' use cases that no cold start needs, in one module that their handlers import
 * on first use: those that plan a participant's schedule (the planner and luxon's calendar
 * arithmetic: enrolling, changing, listing, protocol versions, CSV imports) and the export (its
 * reading and file writers; in AWS the export function serves it). Signing in, listing studies and
 * reading a dashboard load none of them (bench/README.md#cold-start).
 *
 * One module rather than one dynamic import per use case: esbuild puts the code that the load
 * path shares with each dynamically imported module in chunks of its own, and Node loads every
 * chunk as a module at each cold start, so each further import target would add chunks to the
 * load path (measured: 28 modules at load against 21, and a slower load than with luxon on it).
 * The first such request compiles all of them, once.
 */
export * as enrolment from '../../use-cases/enrol-participant';
export * as csvImport from '../../use-cases/import-participants';
export * as participantViews from '../../use-cases/participant-views';
export * as participantChanges from '../../use-cases/update-participant';
export * as protocolVersions from '../../use-cases/protocol-versions';
export * as importJobs from '../../use-cases/import-jobs';
export * as studyExport from '../../use-cases/export-study';
