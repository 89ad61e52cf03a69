import type * as z from 'zod';
import { invalidFields } from '../core/errors';
import { plainMessage } from './plain-message';

/** Parses input with a zod schema; failures become one 400 that names every bad field, in plain words. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw invalidFields(
    result.error.issues.map((issue) => ({
      field: issue.path.length > 0 ? issue.path.join('.') : 'body',
      message: plainMessage(issue),
    })),
  );
}
