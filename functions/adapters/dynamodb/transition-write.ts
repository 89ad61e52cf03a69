import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Guard, GuardParams, OptionalGuard, Transition } from '../../core/schedule/transitions';
import { updateExpression } from './audited-write';
import { conditionally, type Db } from './client';

/** A DynamoDB condition: its expression with the names and values it refers to. */
export interface Condition {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * Compiles a transition of core/schedule/transitions.ts into the condition of one conditional
 * write. Placeholders are prefixed (`#t…`, `:t…`) so they never clash with the update's own.
 */
export function conditionOf(transition: Transition<string>, params: GuardParams): Condition {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts: string[] = [];
  const name = (attr: string) => {
    const placeholder = `#t${Object.keys(names).length}`;
    const existing = Object.entries(names).find(([, a]) => a === attr)?.[0];
    if (existing) return existing;
    names[placeholder] = attr;
    return placeholder;
  };
  const value = (v: unknown) => {
    const placeholder = `:t${Object.keys(values).length}`;
    values[placeholder] = v;
    return placeholder;
  };

  if (transition.from === 'any') parts.push('attribute_exists(pk)');
  else {
    const states = transition.from.filter((s) => s !== 'absent');
    const inStates = states.length === 0 ? null : `${name('status')} IN (${states.map(value).join(', ')})`;
    const fromAbsent = transition.from.includes('absent');
    parts.push(fromAbsent ? (inStates ? `(attribute_not_exists(pk) OR ${inStates})` : 'attribute_not_exists(pk)') : inStates!);
  }
  for (const guard of transition.guards ?? []) {
    const compiled = guardCondition(guard, params, name, value);
    if (compiled !== null) parts.push(compiled);
  }
  return { expression: parts.join(' AND '), names, values };
}

function guardCondition(guard: OptionalGuard, params: GuardParams, name: (attr: string) => string, value: (v: unknown) => string): string | null {
  const param = parameterOf(guard);
  const given = param === undefined ? undefined : params[param];
  if (guard.optional && param !== undefined && given === undefined) return null;
  if (param !== undefined && given === undefined) throw new Error(`the transition's guard on ${guard.attr} needs the parameter ${param}`);
  const attr = name(guard.attr);
  const condition = compiled(guard, given, attr, value);
  return guard.onlyFrom === undefined ? condition : `(${name('status')} <> ${value(guard.onlyFrom)} OR ${condition})`;
}

function compiled(guard: Guard, given: GuardParams[string], attr: string, value: (v: unknown) => string): string {
  if ('is' in guard) return `${attr} = ${value(guard.is)}`;
  if ('absent' in guard) return `attribute_not_exists(${attr})`;
  if ('revision' in guard) return given === 0 ? `attribute_not_exists(${attr})` : `${attr} = ${value(given)}`;
  if ('equals' in guard) return `${attr} = ${value(given)}`;
  if ('absentOrAtMost' in guard) return `(attribute_not_exists(${attr}) OR ${attr} <= ${value(given)})`;
  if ('absentOrBelow' in guard) return `(attribute_not_exists(${attr}) OR ${attr} < ${value(given)})`;
  if ('atMost' in guard) return `${attr} <= ${value(given)}`;
  return `${attr} < ${value(given)}`;
}

function parameterOf(guard: Guard): string | undefined {
  if ('equals' in guard) return guard.equals;
  if ('atMost' in guard) return guard.atMost;
  if ('below' in guard) return guard.below;
  if ('absentOrAtMost' in guard) return guard.absentOrAtMost;
  if ('absentOrBelow' in guard) return guard.absentOrBelow;
  if ('revision' in guard) return guard.revision;
  return undefined;
}

/** One transition as one conditional `UpdateItem`. */
export interface TransitionWrite {
  table: string;
  key: { pk: string; sk: string };
  transition: Transition<string>;
  /** What the guards compare against. */
  params?: GuardParams;
  /** The update's own clauses (the new state is added to `set`). */
  set?: string[];
  remove?: string[];
  add?: Array<string | null>;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
  returnValues?: 'ALL_NEW' | 'ALL_OLD';
}

/**
 * Applies a transition with one conditional write; false when the record is not in a state the
 * transition leaves from or a guard does not hold (nothing is written then). `onWritten` sees the
 * returned attributes.
 */
export function writeTransition(db: Db, write: TransitionWrite, onWritten?: (attributes: Record<string, unknown> | undefined) => void): Promise<boolean> {
  const condition = conditionOf(write.transition, write.params ?? {});
  const set = [...(write.set ?? [])];
  const values = { ...condition.values, ...write.values };
  const names = { ...condition.names, ...write.names };
  if (write.transition.to !== null) {
    names['#tStatus'] = 'status';
    values[':tTo'] = write.transition.to;
    set.unshift('#tStatus = :tTo');
  }
  return conditionally(async () => {
    const { Attributes } = await db.doc.send(
      new UpdateCommand({
        TableName: write.table,
        Key: write.key,
        UpdateExpression: updateExpression({ set, ...(write.remove ? { remove: write.remove } : {}), ...(write.add ? { add: write.add } : {}) }),
        ConditionExpression: condition.expression,
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        ...(write.returnValues ? { ReturnValues: write.returnValues } : {}),
      }),
    );
    onWritten?.(Attributes);
  });
}
