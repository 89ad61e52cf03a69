/**
 * The start-up benchmark's floor: the irreducible part of `npm start` (Node with tsx, the two
 * emulators, one HTTP server answering /api/health), with none of the platform's own work
 * (tables, demo study, web build check, dispatcher). Run as `node --import tsx bench/lib/minimal-start.ts <port>`.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulators } from '../../scripts/local/emulators';

const port = Number(process.argv[2]);
const emulators = await startEmulators({ dataDir: mkdtempSync(join(tmpdir(), 'tp-floor-')), dynamoPort: 0, sesPort: 0 });
const app = new Hono().get('/api/health', (c) => c.json({ ok: true }));
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
process.once('SIGINT', () => void emulators.stop().then(() => process.exit(0)));
