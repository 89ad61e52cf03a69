import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { createDb } from '../../functions/adapters/dynamodb/client';
import { ensureTables } from '../../functions/adapters/dynamodb/create-tables';
import { createRepositories, type Repositories } from '../../functions/adapters/dynamodb/repositories';
import { createMemoryRepositories } from '../../functions/adapters/memory/repositories';
import { storageCases } from './storage-cases';

/**
 * One storage conformance suite: the same named cases against the in-memory adapter and against
 * the DynamoDB adapter on the emulator this project runs (dynalite in `npm test`, AWS's DynamoDB
 * Local in `npm run test:conformance`). A store that applies a write another refuses fails here.
 */
const stores: Array<[string, () => Promise<Repositories>]> = [
  ['memory', async () => createMemoryRepositories()],
  [
    inject('dynamoStore'),
    async () => {
      const suffix = randomBytes(4).toString('hex');
      const db = createDb({ endpoint: inject('dynamoEndpoint'), region: 'eu-west-2' }, { research: `research-${suffix}`, contacts: `contacts-${suffix}` });
      await ensureTables(db);
      return createRepositories(db);
    },
  ],
];

for (const [store, open] of stores) {
  describe(`storage on ${store}`, () => {
    let repos: Promise<Repositories> | undefined;
    for (const { name, run } of storageCases) it(name, async () => run(await (repos ??= open())));
  });
}

describe('the conformance cases', () => {
  it('name every access pattern of docs/data-model.md', () => {
    const doc = readFileSync(new URL('../../docs/data-model.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Access patterns'), doc.indexOf('## Why it is safe'));
    const patterns = [...section.matchAll(/^\| ([^|]+?) \| [^|]+ \|$/gm)].map((m) => m[1]!).filter((p) => p !== 'pattern' && !/^-+$/.test(p));
    expect(patterns.length).toBeGreaterThan(15);
    expect(patterns.filter((p) => !storageCases.some((c) => c.name === p))).toEqual([]);
  });
});
