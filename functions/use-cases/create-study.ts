import { invalidFields } from '../core/errors';
import { studySchema, type Study } from '../core/study/study';
import type { Deps } from './deps';
import { parseInput } from './parse-input';

/** A study definition checked against the schema and against the installed instruments. */
export function validateStudy(deps: Pick<Deps, 'catalogue'>, input: unknown): Study {
  const study = parseInput(studySchema, input);
  const problems = study.protocol.timepoints.flatMap((t, i) =>
    t.instruments
      .filter(({ id, version }) => deps.catalogue.find(id, version) === undefined)
      .map(({ id, version }) => ({
        field: `protocol.timepoints.${i}.instruments`,
        message: `instrument ${id}@${version} is not installed (see \`timepoint instruments\`)`,
      })),
  );
  if (problems.length > 0) throw invalidFields(problems);
  return study;
}

/** Creates a study unless one with its id exists; returns whether it was created. */
export async function createStudyIfAbsent(deps: Pick<Deps, 'studies' | 'catalogue'>, input: unknown): Promise<boolean> {
  return deps.studies.createIfAbsent(validateStudy(deps, input));
}
