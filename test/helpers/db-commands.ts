import type { Db } from '../../functions/adapters/dynamodb/client';

/** The commands a DynamoDB client sends while `work` runs (`UpdateItemCommand`, …), in order: how many calls an access pattern costs. */
export async function commandsDuring(db: Db, work: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const name = `count-${Math.random()}`;
  db.raw.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    await work();
  } finally {
    db.raw.middlewareStack.remove(name);
  }
  return sent;
}
