import { streamHandle } from 'hono/aws-lambda';
import { createExportApp } from '../http/export-app';
import { lambdaAppDeps } from './lambda-app-deps';

/**
 * The export Lambda: `GET /api/studies/{studyId}/export`, with its response streamed (Lambda
 * response streaming through a function URL that only CloudFront may call) instead of buffered,
 * so an export of any size up to streaming's limit is served in flat memory, without the 6 MB cap
 * of a buffered Lambda response (docs/exports.md). CloudFront sends it only that path.
 */
export const handler = streamHandle(createExportApp(await lambdaAppDeps('export Lambda')));
