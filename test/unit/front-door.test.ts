import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { carriesOriginSecret, ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER, viewerAddress } from '../../functions/http/front-door';

const current = 'c'.repeat(48);
const previous = 'p'.repeat(48);

/** Whether a request with these headers would be served, given the accepted secrets. */
async function served(secrets: string[], headers: Record<string, string>): Promise<boolean> {
  const app = new Hono().get('/', (c) => c.json({ ok: carriesOriginSecret(c, secrets), viewer: viewerAddress(c) ?? null }));
  return ((await (await app.request('/', { headers })).json()) as { ok: boolean }).ok;
}

describe('the origin-secret check', () => {
  it('accepts the current secret, and during a rotation the previous one', async () => {
    expect(await served([current, previous], { [ORIGIN_SECRET_HEADER]: current })).toBe(true);
    expect(await served([current, previous], { [ORIGIN_SECRET_HEADER]: previous })).toBe(true);
  });

  it('refuses no header, an empty one, a near miss, and the placeholder that stands for "no previous secret"', async () => {
    const attempts: Array<Record<string, string>> = [{}, { [ORIGIN_SECRET_HEADER]: '' }, { [ORIGIN_SECRET_HEADER]: `${current}x` }, { [ORIGIN_SECRET_HEADER]: current.slice(1) }, { [ORIGIN_SECRET_HEADER]: 'none' }];
    for (const headers of attempts) {
      expect(await served([current, 'none'], headers), JSON.stringify(headers)).toBe(false);
    }
    // A short value is never accepted, even as the current secret.
    expect(await served(['short-secret'], { [ORIGIN_SECRET_HEADER]: 'short-secret' })).toBe(false);
  });

  it('reads the viewer address only from its own header, never from X-Forwarded-For', async () => {
    const app = new Hono().get('/', (c) => c.text(viewerAddress(c) ?? 'none'));
    expect(await (await app.request('/', { headers: { [VIEWER_ADDRESS_HEADER]: '203.0.113.5', 'x-forwarded-for': '198.51.100.1' } })).text()).toBe('203.0.113.5');
    expect(await (await app.request('/', { headers: { 'x-forwarded-for': '198.51.100.1' } })).text()).toBe('none');
  });
});
