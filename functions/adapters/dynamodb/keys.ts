import { createHash } from 'node:crypto';

/**
 * The key scheme: every partition and sort key the application writes is built here, so the
 * layout of both tables can be read in one file. Access patterns (docs/data-model.md):
 *
 * Research table            pk                    sk
 *   study                   STUDY#<id>            STUDY                       (latest protocol inline)
 *   study index             STUDIES               STUDY#<id>                  (lists studies without a Scan)
 *   protocol version        STUDY#<id>            PROTOCOL#<nnnn>             (immutable once published)
 *   code counter            STUDY#<id>            COUNTER#participant
 *   allocation (slot)       STUDY#<id>            ALLOCATION#<nnnnnn>         (one per sequence number, written once)
 *   consent version         STUDY#<id>            CONSENT_VERSION#<version>   (the exact text, immutable once published)
 *   join counts             STUDY#<id>            COUNTER#join                (screened, eligible, ineligible: counts only)
 *   participant             STUDY#<id>            PARTICIPANT#<code>
 *   instance                STUDY#<id>            INSTANCE#<code>#<timepoint>
 *   message                 STUDY#<id>            MESSAGE#<code>#<timepoint>#<kind>#<nn>
 *   participant link        LINK#<token hash>     LINK
 *   unsubscribe link        UNSUB#<token hash>    UNSUB
 *   SES message id          SES#<message id>      SES                         (→ the ledger message, for feedback)
 *   attempt counts          RATE#<purpose>:<key hash>  COUNTS                 (rate limits: a count per window; expires by TTL)
 *   staff member            STAFF#<email>         STAFF                       (versioned; a tombstone once removed)
 *   staff index             STAFF                 STAFF#<email>
 *   admin guard             STAFF_GUARD           ADMINS                      (held while the last admin could be lost)
 *   sign-in code            SIGNIN#<code hash>    SIGNIN
 *   newest sign-in code     STAFF#<email>         SIGNIN_LATEST               (older unused codes no longer count)
 *   staff session           SESSION#<hash>        SESSION
 *   audit entry             AUDIT#<scope>         <at>#<id>
 *   audit entry in flight   PENDING_AUDIT#<id>    PENDING_AUDIT               (until appended; see audited-write.ts)
 *   licensed wording        LICENSED_TEXT#<id>@<version>  LICENSED_TEXT
 *   import job              STUDY#<id>            IMPORT#<job id>             (counters and status; no addresses)
 * Due index (sparse: only items with work pending carry duePk/dueSk; one entry per item at a time)
 *   planned message         DUE#MESSAGE#<shard>   <send or retry time>#<pk>#<sk>
 *   claimed message         DUE#LEASE#<shard>     <lease expiry>#<pk>#<sk>
 *   pending (re)plan        DUE#PLAN#<shard>      <requestedAt>#<pk>#<sk>
 *   open instance           DUE#EXPIRE#<shard>    <closesAt, or end of grace>#<pk>#<sk>
 *   just-completed instance DUE#DONE#<shard>      <completedAt>#<pk>#<sk>      (alerts, re-plan, audit entry)
 *   audit entry in flight   DUE#AUDIT#<shard>     <at + grace>#<pk>#<sk>       (appended by the next pass if its writer died)
 *   unfinished import job   DUE#IMPORT#<shard>    <createdAt>#<pk>#<sk>        (the dispatcher enrols its chunks)
 *   allocation slot         DUE#ALLOCATED#<shard> <at + 1 min>#<pk>#<sk>       (until its participant exists)
 * Contacts table
 *   contact                 STUDY#<id>            CONTACT#<code>
 *   email reservation       STUDY#<id>            EMAIL#<sha256 of lower-cased email>
 *   consent record          STUDY#<id>            CONSENT#<code>#<version>    (typed name, time, language, text hash)
 *   join request            JOIN#<token hash>     JOIN                        (self-enrolment awaiting verification; expires)
 *   import job's rows       STUDY#<id>            IMPORT#<job id>#CHUNK#<nnnn>  (≤ 250 rows with their addresses; the rows are removed once the chunk is done)
 */

/** Due-index partitions per kind of work, so no single partition takes every write. */
export const DUE_SHARDS = 4;

export type DueKind = 'MESSAGE' | 'LEASE' | 'PLAN' | 'EXPIRE' | 'DONE' | 'AUDIT' | 'ALLOCATED' | 'IMPORT';

export const keys = {
  study: (studyId: string) => ({ pk: `STUDY#${studyId}`, sk: 'STUDY' }),
  /** All studies under one partition (few items: one per study). */
  studyIndex: (studyId = '') => ({ pk: 'STUDIES', sk: `STUDY#${studyId}` }),
  protocol: (studyId: string, version: number) => ({ pk: `STUDY#${studyId}`, sk: `PROTOCOL#${String(version).padStart(4, '0')}` }),
  codeCounter: (studyId: string) => ({ pk: `STUDY#${studyId}`, sk: 'COUNTER#participant' }),
  /** An allocation's slot: the sequence number is the key, so two enrolments can never take the same one. */
  allocation: (studyId: string, sequence: number) => ({ pk: `STUDY#${studyId}`, sk: `ALLOCATION#${String(sequence).padStart(6, '0')}` }),
  allocationPrefix: 'ALLOCATION#',
  consentVersion: (studyId: string, version: string) => ({ pk: `STUDY#${studyId}`, sk: `CONSENT_VERSION#${version}` }),
  joinCounter: (studyId: string) => ({ pk: `STUDY#${studyId}`, sk: 'COUNTER#join' }),
  participant: (studyId: string, code: string) => ({ pk: `STUDY#${studyId}`, sk: `PARTICIPANT#${code}` }),
  participantPrefix: 'PARTICIPANT#',
  instance: (studyId: string, code: string, timepoint: string) => ({
    pk: `STUDY#${studyId}`,
    sk: `INSTANCE#${code}#${timepoint}`,
  }),
  instancePrefix: (code?: string) => (code === undefined ? 'INSTANCE#' : `INSTANCE#${code}#`),
  message: (studyId: string, code: string, timepoint: string, kind: string, n: number) => ({
    pk: `STUDY#${studyId}`,
    sk: `MESSAGE#${code}#${timepoint}#${kind}#${String(n).padStart(2, '0')}`,
  }),
  messagePrefix: (code: string) => `MESSAGE#${code}#`,
  link: (hash: string) => ({ pk: `LINK#${hash}`, sk: 'LINK' }),
  unsubscribe: (hash: string) => ({ pk: `UNSUB#${hash}`, sk: 'UNSUB' }),
  providerMessage: (providerId: string) => ({ pk: `SES#${providerId}`, sk: 'SES' }),
  rate: (key: string) => ({ pk: `RATE#${key}`, sk: 'COUNTS' }),
  staff: (email: string) => ({ pk: `STAFF#${email.toLowerCase()}`, sk: 'STAFF' }),
  adminGuard: () => ({ pk: 'STAFF_GUARD', sk: 'ADMINS' }),
  signInLatest: (email: string) => ({ pk: `STAFF#${email.toLowerCase()}`, sk: 'SIGNIN_LATEST' }),
  /** All staff accounts under one partition (few items), so they can be listed without a Scan. */
  staffIndex: (email = '') => ({ pk: 'STAFF', sk: `STAFF#${email.toLowerCase()}` }),
  signInCode: (hash: string) => ({ pk: `SIGNIN#${hash}`, sk: 'SIGNIN' }),
  session: (hash: string) => ({ pk: `SESSION#${hash}`, sk: 'SESSION' }),
  audit: (scope: string, at: string, id: string) => ({ pk: `AUDIT#${scope}`, sk: `${at}#${id}` }),
  pendingAudit: (id: string) => ({ pk: `PENDING_AUDIT#${id}`, sk: 'PENDING_AUDIT' }),
  auditPartition: (scope: string) => `AUDIT#${scope}`,
  licensedText: (instrument: string, version: string) => ({ pk: `LICENSED_TEXT#${instrument}@${version}`, sk: 'LICENSED_TEXT' }),
  importJob: (studyId: string, jobId: string) => ({ pk: `STUDY#${studyId}`, sk: `IMPORT#${jobId}` }),
  /** In the contacts table: the rows carry email addresses. */
  importChunk: (studyId: string, jobId: string, chunk: number) => ({ pk: `STUDY#${studyId}`, sk: `IMPORT#${jobId}#CHUNK#${String(chunk).padStart(4, '0')}` }),
  importChunkPrefix: (jobId: string) => `IMPORT#${jobId}#CHUNK#`,
  consentRecord: (studyId: string, code: string, version: string) => ({ pk: `STUDY#${studyId}`, sk: `CONSENT#${code}#${version}` }),
  consentRecordPrefix: (code: string) => `CONSENT#${code}#`,
  joinRequest: (hash: string) => ({ pk: `JOIN#${hash}`, sk: 'JOIN' }),
  contact: (studyId: string, code: string) => ({ pk: `STUDY#${studyId}`, sk: `CONTACT#${code}` }),
  emailReservation: (studyId: string, email: string) => ({
    pk: `STUDY#${studyId}`,
    sk: `EMAIL#${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`,
  }),

  /** The due-index keys that put an item in the queue of pending work. */
  due: (kind: DueKind, at: string, key: { pk: string; sk: string }) => ({
    duePk: `DUE#${kind}#${shardOf(key)}`,
    dueSk: `${at}#${key.pk}#${key.sk}`,
  }),
  duePartitions: (kind: DueKind) => Array.from({ length: DUE_SHARDS }, (_, n) => `DUE#${kind}#${n}`),
  /** The highest due-index sort key that is due at `nowIso`. */
  dueUpTo: (nowIso: string) => `${nowIso}~`,
};

function shardOf(key: { pk: string; sk: string }): number {
  return createHash('sha1').update(`${key.pk}|${key.sk}`).digest()[0]! % DUE_SHARDS;
}
