/**
 * The smallest useful Hono Lambda: the baseline of bench/lambda-cold-load.ts, bundled by the same
 * TimepointFunction construct as the API Lambda, so the difference in cold module-load time is the
 * application's (its modules, the AWS SDK clients, survey-core, zod…), not Hono's or Node's.
 */
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';

const app = new Hono();
app.get('/api/health', (c) => c.json({ ok: true }));

export const handler = handle(app);
