import type { Context } from 'hono';
import { badRequest } from '../core/errors';

/** The request body as JSON; a malformed or non-object body is a 400, not a 500. */
export async function readJson(c: Context): Promise<unknown> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw badRequest('body', 'expected a JSON object');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('body', 'expected a JSON object');
  return body;
}

/** Like readJson, but an empty body is `{}` (for actions whose fields are all optional). */
export async function readOptionalJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badRequest('body', 'expected a JSON object');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('body', 'expected a JSON object');
  return body;
}
