import type * as z from 'zod';

const nouns: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a set of fields',
};

/** zod's own wording, as opposed to a message a schema wrote for its field. */
const isDefault = (message: string) => /^(Invalid input|Invalid option|Invalid email|Invalid string|Invalid ISO|Too small|Too big|Unrecognized key|Invalid element|Invalid key)/.test(message);

/**
 * A validation problem in the words a coordinator uses, to follow the field's name ("Arm 1
 * label" + "is required"): "is required", "must be at most 80 characters", "is not an email
 * address". Messages a schema wrote itself ("HH:MM, 24-hour") are kept as they are.
 */
export function plainMessage(issue: z.core.$ZodIssue): string {
  if (!isDefault(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return /received undefined|received null/.test(issue.message) ? 'is required' : `must be ${nouns[issue.expected] ?? issue.expected}`;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? 'is required' : `must be at least ${min} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return min <= 1 ? 'needs at least one entry' : `needs at least ${min} entries`;
      return `must be at least ${min}${issue.inclusive === false ? ' (exclusive)' : ''}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${max} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return `can have at most ${max} entries`;
      return `must be at most ${max}`;
    }
    case 'invalid_format':
      if (issue.format === 'email') return 'is not an email address';
      if (issue.format === 'date') return 'is not a date (YYYY-MM-DD)';
      return 'is not in the expected format';
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `has unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_union':
      return 'is not valid';
    default:
      return issue.message;
  }
}
