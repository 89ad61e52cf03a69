import { ApiError, api, type ApiErrorBody } from '../../shared/api';
import { problemSentence } from './field-names';
import { call, send, urlOf } from './client';
import type { CreatedImportJob, ImportReport } from './types';

export { ApiError, api };

/** What a failed call says, for a person: the API's own message, or the network failure. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'Your session has ended: sign in again.';
    if (error.status === 403) return error.body?.error.message ?? 'Your role does not allow this.';
    return error.message;
  }
  if (error instanceof TypeError) return 'The server could not be reached: check your connection and try again.';
  return error instanceof Error ? error.message : String(error);
}

/**
 * The API's problems by field path (`arms.0.id`, `protocol.timepoints.1.sendAt`), so each
 * message can sit next to its input, as a sentence in a coordinator's words ("Arm 1 label is
 * required").
 */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || !error.body) return {};
  const { field, message, details } = error.body.error;
  const out: Record<string, string> = {};
  for (const d of details ?? []) out[d.field] ??= problemSentence(d.field, d.message);
  if (field && out[field] === undefined) out[field] = problemSentence(field, message);
  return out;
}

export type ErrorBody = ApiErrorBody['error'];

/**
 * Sends a participants CSV to the import endpoint. A report with invalid rows comes back as a 400
 * whose body is the report itself, so that case is a result here, not an error.
 */
export async function importCsv(studyId: string, csv: string, dryRun: boolean): Promise<ImportReport> {
  const response = await fetch(urlOf('post', '/api/studies/:studyId/participants/import', { params: { studyId }, query: { dryRun: dryRun ? 'true' : 'false' } }), {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: csv,
    credentials: 'same-origin',
  });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as unknown) : null;
  if (json !== null && typeof json === 'object' && 'rows' in json) return json as ImportReport;
  if (!response.ok) throw new ApiError(response.status, json as ApiErrorBody | null);
  throw new ApiError(response.status, { error: { code: 'unexpected', message: 'the server answered without an import report' } });
}

/**
 * Starts an import (not a dry run): the server checks every row and answers 202 with the job at
 * once, or 400 with the report when a row has a problem (a result here, as for the dry run).
 */
export async function startImport(studyId: string, csv: string): Promise<{ job: CreatedImportJob } | { report: ImportReport }> {
  const response = await fetch(urlOf('post', '/api/studies/:studyId/participants/import', { params: { studyId } }), {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: csv,
    credentials: 'same-origin',
  });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as unknown) : null;
  if (response.status === 202) return { job: json as CreatedImportJob };
  if (json !== null && typeof json === 'object' && 'rows' in json) return { report: json as ImportReport };
  throw new ApiError(response.status, json as ApiErrorBody | null);
}

/** An import job's progress, or its result once done. */
export const importJob = (studyId: string, jobId: string) => send(call('get', '/api/studies/:studyId/participants/imports/:jobId', { params: { studyId, jobId } }));
