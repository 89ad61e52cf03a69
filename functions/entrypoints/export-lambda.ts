import { createExportApp } from '../http/export-app';
import type { AppDeps } from '../http/env';
import { lambdaStreamHandler } from '../http/lambda-stream';
import { lambdaAppDeps } from './lambda-app-deps';

/**
 * The export Lambda: `GET /api/studies/{studyId}/export`, with its response streamed (Lambda
 * response streaming through a function URL that only CloudFront may call) instead of buffered,
 * so an export of any size up to streaming's limit is served in flat memory, without the 6 MB cap
 * of a buffered Lambda response (docs/exports.md). CloudFront sends it only that path. An export
 * that fails after its body has started is aborted, never ended as if complete (lambda-stream.ts).
 */
export const exportHandler = (deps: AppDeps) => lambdaStreamHandler(createExportApp(deps));

export const handler = exportHandler(await lambdaAppDeps('export Lambda'));
