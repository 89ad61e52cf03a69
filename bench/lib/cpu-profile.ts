/**
 * CPU profiling of chosen stretches of a run (node:inspector, in-process), and a breakdown of
 * the samples by who was running: the emulated DynamoDB, the SES emulator, the AWS SDK client,
 * nodemailer, Timepoint's own code, Node's HTTP/stream internals, the garbage collector.
 *
 * Everything of bench/dispatch.ts (dispatcher, dynalite, SES emulator) runs on one event loop, so
 * the samples of a stretch are exactly the CPU time that stretch cost, whichever side spent it.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const dynamo = new Set(['dynalite', 'memory-level', 'abstract-level', 'level', 'level-supports', 'level-transcoder', 'module-error', 'lazy', 'big.js', 'lock', 'buffer-crc32', 'functional-red-black-tree', 'async']);
const ses = new Set(['aws-ses-v2-local', 'mailparser', '@zone-eu/mailsplit', 'libmime', 'libqp', 'libbase64', 'html-to-text', 'linkify-it', 'he', 'tlds', 'iconv-lite', 'encoding-japanese', 'express', 'body-parser', 'raw-body', 'router', 'qs', 'handlebars', 'send', 'finalhandler']);
const sdk = (pkg: string) => pkg.startsWith('@aws-sdk/') || pkg.startsWith('@smithy/') || pkg.startsWith('@aws-crypto/') || pkg === 'fast-xml-parser' || pkg === 'strnum' || pkg === 'tslib';

export const CATEGORIES = [
  'dynalite (emulated DynamoDB, server side)',
  'SES emulator (express, mailparser)',
  'AWS SDK clients (marshalling, signing, HTTP, parsing)',
  'nodemailer (composeMime)',
  'Timepoint code + luxon (dispatcher, repositories, templates)',
  'Node internals (HTTP parsing, sockets, streams, timers)',
  'garbage collector',
  'other (V8 program, idle)',
] as const;
export type Category = (typeof CATEGORIES)[number];

function packageOf(url: string): string | null {
  const at = url.lastIndexOf('/node_modules/');
  if (at < 0) return null;
  const parts = url.slice(at + '/node_modules/'.length).split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** The category of one stack, leaf first: an emulator anywhere in it wins, then nodemailer, the SDK, our code. */
function categorise(stack: ProfileNode[]): Category {
  const leaf = stack[0]!.callFrame.functionName;
  if (leaf === '(garbage collector)') return 'garbage collector';
  if (leaf === '(program)' || leaf === '(idle)' || leaf === '(root)') return 'other (V8 program, idle)';
  let found: Category | null = null;
  const rank = (c: Category) => CATEGORIES.indexOf(c);
  for (const node of stack) {
    const url = node.callFrame.url;
    if (!url) continue;
    const pkg = packageOf(url);
    let c: Category | null = null;
    if (pkg !== null) {
      if (dynamo.has(pkg)) c = 'dynalite (emulated DynamoDB, server side)';
      else if (ses.has(pkg)) c = 'SES emulator (express, mailparser)';
      else if (pkg === 'nodemailer') c = 'nodemailer (composeMime)';
      else if (sdk(pkg)) c = 'AWS SDK clients (marshalling, signing, HTTP, parsing)';
      else if (pkg === 'luxon') c = 'Timepoint code + luxon (dispatcher, repositories, templates)';
    } else if (url.includes('/functions/') || url.includes('/bench/') || url.includes('/scripts/')) {
      c = 'Timepoint code + luxon (dispatcher, repositories, templates)';
    }
    if (c !== null && (found === null || rank(c) < rank(found))) found = c;
  }
  return found ?? 'Node internals (HTTP parsing, sockets, streams, timers)';
}

/** Milliseconds of samples per category. */
export function breakdown(profile: CpuProfile): Map<Category, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, ProfileNode>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const cache = new Map<number, Category>();
  const result = new Map<Category, number>(CATEGORIES.map((c) => [c, 0]));
  profile.samples.forEach((id, i) => {
    let category = cache.get(id);
    if (category === undefined) {
      const stack: ProfileNode[] = [];
      for (let n: ProfileNode | undefined = byId.get(id); n !== undefined; n = parent.get(n.id)) stack.push(n);
      category = categorise(stack);
      cache.set(id, category);
    }
    // timeDeltas[i] is the time since the previous sample; attribute it to this one.
    result.set(category, result.get(category)! + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return result;
}

/** Profiles stretches of the run; each stretch's breakdown is added to its label's total. */
export class StretchProfiler {
  private session = new Session();
  private started = false;
  readonly totals = new Map<string, Map<Category, number>>();
  private saved = 0;

  constructor(private readonly dir?: string) {}

  async profile<T>(label: string, work: () => Promise<T>): Promise<T> {
    if (!this.started) {
      this.session.connect();
      await this.session.post('Profiler.enable');
      await this.session.post('Profiler.setSamplingInterval', { interval: 200 });
      this.started = true;
    }
    await this.session.post('Profiler.start');
    try {
      return await work();
    } finally {
      const { profile } = (await this.session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
      const total = this.totals.get(label) ?? new Map<Category, number>(CATEGORIES.map((c) => [c, 0]));
      for (const [c, ms] of breakdown(profile)) total.set(c, total.get(c)! + ms);
      this.totals.set(label, total);
      if (this.dir) writeFileSync(join(this.dir, `${String(++this.saved).padStart(2, '0')}-${label}.cpuprofile`), JSON.stringify(profile));
    }
  }

  stop(): void {
    if (this.started) this.session.disconnect();
  }
}
