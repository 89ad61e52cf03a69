import { expect } from 'vitest';
import type { ImportJobView } from '../../functions/use-cases/import-jobs';
import { runImportJobs } from '../../functions/use-cases/import-jobs';
import type { TestContext } from './test-context';

/** Posts a participants CSV to the import endpoint (not a dry run) as the holder of `token`. */
export const postImport = (t: TestContext, studyId: string, csv: string, token: string) =>
  t.app.request(`/api/studies/${studyId}/participants/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` }, body: csv });

/** Reads an import job through the API. */
export const getImportJob = async (t: TestContext, location: string, token: string) => {
  const response = await t.request('GET', location, { token });
  return { status: response.status, body: (await response.json()) as ImportJobView };
};

/**
 * An import as the console makes it: posted (202), run to the end by the dispatcher's import step
 * (what the local platform's kick or the next pass in AWS does), then read back through the API.
 */
export async function importAndRun(t: TestContext, studyId: string, csv: string, token: string): Promise<ImportJobView> {
  const response = await postImport(t, studyId, csv, token);
  expect(response.status, await response.clone().text()).toBe(202);
  const location = response.headers.get('location')!;
  await runImportJobs(t.deps, { budgetMs: 120_000 });
  const { body } = await getImportJob(t, location, token);
  expect(body.status).toBe('done');
  return body;
}
