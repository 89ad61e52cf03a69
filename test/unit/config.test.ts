import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { loadConfig } from '../../functions/config';

/** The declarations the configuration was checked with before it was checked by hand: the rules it must keep. */
const zodRules = z.object({
  TIMEPOINT_BASE_URL: z.url().transform((u) => u.replace(/\/+$/, '')),
  RESEARCH_TABLE: z.string().min(3),
  CONTACTS_TABLE: z.string().min(3),
  AWS_REGION: z.string().default('eu-west-2'),
  DYNAMODB_ENDPOINT: z.url().optional(),
  SES_ENDPOINT: z.url().optional(),
  SES_CONFIGURATION_SET: z.string().optional(),
  TIMEPOINT_SYSTEM_SENDER: z.email().default('no-reply@example.org'),
  TIMEPOINT_MAX_SEND_RATE: z.coerce.number().positive().default(10),
  TIMEPOINT_ALLOCATION_KMS_KEY: z.string().min(1).optional(),
  TIMEPOINT_ALLOCATION_KEY_FILE: z.string().min(1).optional(),
  TIMEPOINT_SCORING_PLUGINS: z.string().optional(),
  TIMEPOINT_ORIGIN_SECRET: z.string().min(32).optional(),
  TIMEPOINT_ORIGIN_SECRET_PREVIOUS: z.string().optional(),
});

const minimal = { TIMEPOINT_BASE_URL: 'https://timepoint.example.org', RESEARCH_TABLE: 'research', CONTACTS_TABLE: 'contacts' };

/** Values that sit on either side of each rule. */
const urls = ['https://timepoint.example.org/', 'http://localhost:3000', ' https://a.example/ ', 'https://exa\nmple.org//', 'localhost:3000', 'mailto:x@example.org', 'not a url', '', '//example.org', 'http://[::1]:8000/'];
const strings = ['', 'a', 'abc', 'x'.repeat(31), 'x'.repeat(32), ' '];
const emails = ['no-reply@example.org', 'a.b+c@sub.example.co.uk', 'someone@localhost', 'x@y.z', '', 'a@b.cd', "o'neil@example.org", 'a..b@example.org', 'a@-example.org'];
const numbers = ['10', '1', '0.5', '0', '-1', '', ' ', 'abc', 'Infinity', '1e3', '0x10', ' 7 '];

const cases: Array<[string, string[]]> = [
  ['TIMEPOINT_BASE_URL', urls],
  ['DYNAMODB_ENDPOINT', urls],
  ['SES_ENDPOINT', urls],
  ['RESEARCH_TABLE', strings],
  ['AWS_REGION', strings],
  ['SES_CONFIGURATION_SET', strings],
  ['TIMEPOINT_SYSTEM_SENDER', emails],
  ['TIMEPOINT_MAX_SEND_RATE', numbers],
  ['TIMEPOINT_ALLOCATION_KMS_KEY', strings],
  ['TIMEPOINT_ORIGIN_SECRET', strings],
];

const outcome = (load: () => unknown) => {
  try {
    return { ok: load() };
  } catch {
    return 'refused';
  }
};

describe('the configuration', () => {
  it.each(cases)('accepts, refuses and normalises %s exactly as its zod declaration does', (key, values) => {
    for (const value of values) {
      const env = { ...minimal, [key]: value };
      const expected = zodRules.safeParse(env);
      expect(outcome(() => loadConfig(env)), `${key}=${JSON.stringify(value)}`).toEqual(expected.success ? { ok: expected.data } : 'refused');
    }
  });

  it('fills in the defaults and keeps only the settings it reads', () => {
    expect(loadConfig({ ...minimal, TIMEPOINT_BASE_URL: 'https://timepoint.example.org///', UNRELATED: 'x' })).toEqual({
      ...minimal,
      AWS_REGION: 'eu-west-2',
      TIMEPOINT_SYSTEM_SENDER: 'no-reply@example.org',
      TIMEPOINT_MAX_SEND_RATE: 10,
    });
  });

  it('refuses to load naming every missing or bad setting', () => {
    expect(() => loadConfig({ RESEARCH_TABLE: 'r', CONTACTS_TABLE: 'contacts', TIMEPOINT_MAX_SEND_RATE: '0' })).toThrow(
      'invalid configuration: TIMEPOINT_BASE_URL: is required; RESEARCH_TABLE: must be at least 3 characters; TIMEPOINT_MAX_SEND_RATE: must be a number above 0',
    );
  });
});
