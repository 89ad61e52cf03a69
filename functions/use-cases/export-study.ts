import { stringify } from 'csv-stringify';
import { Readable } from 'node:stream';
import { badRequest, notFound } from '../core/errors';
import { longColumns, longRows } from '../core/export/long-rows';
import { recordAudit } from './audit';
import type { Actor, Deps } from './deps';

export const exportFormats = ['long'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/**
 * A study's scored data as CSV, streamed row by row. Reads only the research table: contact
 * details are in another table this use case never touches.
 */
export async function exportStudy(
  deps: Pick<Deps, 'studies' | 'participants' | 'instances' | 'catalogue' | 'audit' | 'clock' | 'secrets'>,
  actor: Actor,
  studyId: string,
  format: string | undefined,
): Promise<{ filename: string; contentType: string; body: Readable }> {
  const chosen = format ?? 'long';
  if (!(exportFormats as readonly string[]).includes(chosen)) {
    throw badRequest('format', `unknown export format "${chosen}" (available: ${exportFormats.join(', ')})`);
  }
  const study = await deps.studies.get(studyId);
  if (study === null) throw notFound(`study ${studyId}`);
  const [participants, instances] = await Promise.all([deps.participants.list(studyId), deps.instances.listForStudy(studyId)]);
  await recordAudit(deps, { scope: `study:${studyId}`, actor, action: 'export.downloaded', target: `study:${studyId}`, after: { format: chosen } });

  const rows = longRows(participants, instances, deps.catalogue.find, study.protocol.timepoints.map((t) => t.id));
  const body = Readable.from(rows).pipe(stringify({ header: true, columns: [...longColumns], cast: { number: (n) => String(n) } }));
  const date = deps.clock.now().toISOString().slice(0, 10);
  return { filename: `${studyId}-${chosen}-${date}.csv`, contentType: 'text/csv; charset=utf-8', body };
}
