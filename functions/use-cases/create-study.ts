import { consentTextHash } from '../core/consent/consent-text';
import { conflict, invalidFields } from '../core/errors';
import { instrumentLookup } from '../core/catalogue/lookup';
import { once } from '../core/once';
import type { Study } from '../core/study/study';
import type { Deps } from './deps';
import { parseInput } from './parse-input';

const studySchemaModule = once(() => import('../core/study/study'));

/**
 * A study definition checked against the schema and against the installed instruments. The
 * schema (and zod with it) is imported on the first study checked, so a cold start that only
 * reads studies loads neither (bench/README.md#cold-start).
 */
export async function validateStudy(deps: Pick<Deps, 'catalogue'>, input: unknown): Promise<Study> {
  const study = parseInput((await studySchemaModule()).studySchema(), input);
  const installed = await deps.catalogue.list();
  const find = instrumentLookup(installed);
  const problems = study.protocol.timepoints.flatMap((t, i) =>
    t.instruments
      .filter(({ id, version }) => find(id, version) === undefined)
      .map(({ id, version }) => ({
        field: `protocol.timepoints.${i}.instruments`,
        message: `instrument ${id}@${version} is not installed (see \`npx timepoint instruments\`)`,
      })),
  );
  for (const [instrument, rule] of Object.entries(study.missingRules)) {
    const versions = installed.filter((i) => i.id === instrument);
    if (versions.length === 0) problems.push({ field: `missingRules.${instrument}`, message: `unknown instrument ${instrument}` });
    else if (!versions.some((i) => i.scoring.missingRules[rule] !== undefined)) {
      problems.push({ field: `missingRules.${instrument}`, message: `${instrument} has no missing-data rule "${rule}" (it has: ${Object.keys(versions[0]!.scoring.missingRules).join(', ')})` });
    }
  }
  // Answers are keyed by item id, so one battery cannot hold two instruments sharing items (FFMQ-39 and FFMQ-15).
  study.protocol.timepoints.forEach((t, i) => {
    const seen = new Map<string, string>();
    for (const { id, version } of t.instruments) {
      for (const item of find(id, version)?.scoring.items ?? []) {
        const other = seen.get(item.id);
        if (other !== undefined && other !== id) {
          problems.push({ field: `protocol.timepoints.${i}.instruments`, message: `${other} and ${id} share item ${item.id}: use one of them per timepoint` });
          break;
        }
        seen.set(item.id, id);
      }
    }
  });
  if (problems.length > 0) throw invalidFields(problems);
  return study;
}

/** Creates a study unless one with its id exists (with its consent text, if any); returns whether it was created. */
export async function createStudyIfAbsent(deps: Pick<Deps, 'studies' | 'catalogue' | 'consents' | 'clock'>, input: unknown): Promise<boolean> {
  const study = await validateStudy(deps, input);
  if (study.consent !== undefined && (await deps.studies.get(study.id)) === null) await publishConsentVersion(deps, study.id, study.consent);
  return deps.studies.createIfAbsent(study);
}

/**
 * Stores a consent version's exact text once (what every signed consent to it refers to); a
 * version number published before with another text is refused.
 */
export async function publishConsentVersion(deps: Pick<Deps, 'consents' | 'clock'>, studyId: string, consent: NonNullable<Study['consent']>): Promise<void> {
  const hashes = Object.fromEntries(Object.entries(consent.text).map(([language, text]) => [language, consentTextHash(text)]));
  const stored = await deps.consents.publishVersion({ studyId, version: consent.version, text: consent.text, hashes, publishedAt: deps.clock.now().toISOString() });
  if (!stored) throw conflict(`consent.version: version "${consent.version}" was published before with a different text: give this text a new version`, 'consent.version');
}
