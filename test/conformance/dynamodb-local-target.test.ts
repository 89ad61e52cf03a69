import { DescribeTableCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { inject, describe, expect, it } from 'vitest';
import { createDb } from '../../functions/adapters/dynamodb/client';
import { ensureTables } from '../../functions/adapters/dynamodb/create-tables';
import { researchTable } from '../../functions/adapters/dynamodb/table-definitions';

/**
 * Guards the conformance project itself: if its global setup silently fell back to dynalite,
 * every other test would still pass and prove nothing. DynamoDB Local implements
 * TransactWriteItems; dynalite answers it with UnknownOperationException.
 */
describe('the conformance target', () => {
  const suffix = randomBytes(4).toString('hex');
  const db = createDb({ endpoint: inject('dynamoEndpoint'), region: 'eu-west-2' }, { research: `research-${suffix}`, contacts: `contacts-${suffix}` });

  it('is AWS DynamoDB Local (it runs transactions, which dynalite does not implement)', async () => {
    await ensureTables(db);
    await db.raw.send(
      new TransactWriteItemsCommand({
        TransactItems: [{ Put: { TableName: db.tables.research, Item: { pk: { S: 'conformance' }, sk: { S: 'probe' } } } }],
      }),
    );
  });

  it('has the research table as the shared definition describes it, due index included', async () => {
    await ensureTables(db);
    const { Table } = await db.raw.send(new DescribeTableCommand({ TableName: db.tables.research }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: researchTable.partitionKey, KeyType: 'HASH' },
      { AttributeName: researchTable.sortKey, KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(researchTable.indexes.map((i) => i.name));
  });
});
