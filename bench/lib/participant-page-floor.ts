/**
 * The floor of bench/participant-page.ts: bench/participant-floor/ (a page that only renders the
 * battery with plain survey-react-ui) built with Vite's production build into a temporary folder,
 * and a static server for it with the same stack and headers as the local platform's pages.
 */
import { serve, type ServerType } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import react from '@vitejs/plugin-react';
import { Hono } from 'hono';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'vite';
import { cacheControlFor, pageHeaders } from '../../functions/http/page-headers';

/** The part of GET /api/p this benchmark reads (the participant page's own view type is not exported). */
export interface ParticipantView {
  status: string;
  instruments: Array<{ id: string; name: string; survey: { title?: string; description?: string; pages?: Array<Record<string, unknown>> } }>;
}

/**
 * The battery as ONE SurveyJS survey, the way the participant page shows it today: every
 * instrument's pages in protocol order (page names prefixed, as names must be unique), the
 * instrument's title and description on its first page, one progress bar, no question numbers.
 * The floor renders exactly this JSON, so both pages show the same questions on the same first page.
 */
export function batterySurveyJson(view: ParticipantView): Record<string, unknown> {
  const pages = view.instruments.flatMap((instrument) =>
    (instrument.survey.pages ?? []).map((page, i) => ({
      ...page,
      name: `${instrument.id}__${String(page.name ?? i)}`,
      ...(i === 0 ? { title: instrument.survey.title ?? instrument.name, description: instrument.survey.description } : {}),
    })),
  );
  return { pages, showProgressBar: true, progressBarType: 'pages', showQuestionNumbers: 'off', questionErrorLocation: 'bottom', completeText: 'Submit my answers', showCompletedPage: false };
}

/** SurveyJS element types that take no answer (so cannot be "the first question"). */
const NON_INPUT_TYPES = new Set(['html', 'expression', 'image', 'panel', 'paneldynamic']);

/** The name of the first answerable question on the first page (SurveyJS renders it as `data-name` on the question's root). */
export function firstQuestionName(json: Record<string, unknown>): string {
  const pages = (json.pages ?? []) as Array<{ elements?: Array<{ type?: string; name?: string; elements?: unknown[] }> }>;
  for (const element of pages[0]?.elements ?? []) {
    if (element.name && !NON_INPUT_TYPES.has(element.type ?? '')) return element.name;
  }
  throw new Error('the battery has no answerable question on its first page');
}

/**
 * Builds the floor page (production mode) into `outDir` and puts the survey JSON next to it
 * (`survey.json`) and, when `embed`, into the page itself as a JSON data block (not a script the
 * CSP governs: the browser never executes it).
 */
export async function buildFloor(outDir: string, surveyJson: Record<string, unknown>, embed: boolean): Promise<void> {
  await build({
    configFile: false,
    root: join(import.meta.dirname, '..', 'participant-floor'),
    mode: 'production',
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 5000 },
  });
  writeFileSync(join(outDir, 'survey.json'), JSON.stringify(surveyJson));
  if (embed) {
    const page = join(outDir, 'index.html');
    const block = `<script type="application/json" id="survey-json">${JSON.stringify(surveyJson).replace(/</g, '\\u003c')}</script>`;
    writeFileSync(page, readFileSync(page, 'utf8').replace('</body>', `${block}\n</body>`));
  }
}

/**
 * Serves the floor the way scripts/local/platform.ts serves the web app: Hono's serveStatic (no
 * compression, like the platform), the same page headers and Cache-Control, on loopback.
 */
export async function serveFloor(dir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const root = relative(process.cwd(), dir) || '.';
  const site = new Hono();
  site.use('*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(pageHeaders)) c.header(name, value);
    c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    c.header('Cache-Control', cacheControlFor(c.req.path));
  });
  site.use('/*', serveStatic({ root }));
  const server: ServerType = await new Promise((resolveServer, reject) => {
    const s = serve({ fetch: site.fetch, port: 0, hostname: '127.0.0.1' }, () => resolveServer(s));
    s.once('error', reject);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the floor server has no port');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
