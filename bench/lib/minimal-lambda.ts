/**
 * The baseline of bench/cold-start.ts: the smallest useful Lambda of this stack, Hono's
 * `handle` around one route that reads one item with `@aws-sdk/client-dynamodb`. Bundled by the
 * same TimepointFunction construct as the product's functions and run with the same Node options,
 * so a difference in module-load time is the application's (its modules, zod, survey-core, the
 * other SDK clients…), not Hono's, the SDK's or Node's.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';

const db = new DynamoDBClient({});
const app = new Hono();
app.get('/api/items/:id', async (c) => {
  const { Item } = await db.send(new GetItemCommand({ TableName: process.env.RESEARCH_TABLE, Key: { pk: { S: c.req.param('id') }, sk: { S: 'ITEM' } } }));
  return c.json({ found: Item !== undefined });
});

export const handler = handle(app);
