import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { lazySchema } from '../../functions/core/lazy-schema';

describe('a lazily built schema', () => {
  it('is not built when declared, only when first asked for, and then once', () => {
    let builds = 0;
    const schema = lazySchema(() => {
      builds += 1;
      return z.strictObject({ id: z.string().min(1) });
    });
    expect(builds).toBe(0);
    expect(schema().parse({ id: 'a' })).toEqual({ id: 'a' });
    expect(schema()).toBe(schema());
    expect(builds).toBe(1);
  });

  it('validates exactly as the schema it builds, messages included', () => {
    const schema = lazySchema(() => z.strictObject({ id: z.string().min(1, 'is required') }));
    expect(schema().safeParse({ id: '' }).error?.issues.map((i) => i.message)).toEqual(['is required']);
    expect(schema().safeParse({ id: 'a', extra: 1 }).success).toBe(false);
  });
});
