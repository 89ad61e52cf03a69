/**
 * Where the CPU time of an export (or floor) pass goes: a node:inspector CPU profile split by
 * owner, and the functions with the most self time. Each sample is charged to the innermost frame
 * that belongs to a known owner (a package, Timepoint's code, the benchmark), so Node's stream
 * internals driven by csv-stringify count as csv-stringify, JSON.parse inside the SDK as the SDK.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CpuProfile } from './cpu-profile';

export const OWNERS = [
  'dynalite (emulated DynamoDB, server side)',
  'AWS SDK client (HTTP, JSON parsing, unmarshalling)',
  'Timepoint code (repositories, grouping, long rows, exportStudy)',
  'csv-stringify',
  'benchmark harness (sink, timing wrappers)',
  'Node internals (HTTP, sockets, streams, timers)',
  'garbage collector',
  'idle / V8 program',
] as const;
export type Owner = (typeof OWNERS)[number];

export interface ProfileSummary {
  totalMs: number;
  byOwner: Array<[Owner, number]>;
  /** Functions with the most self time: `name (file:line)`, ms. */
  topSelf: Array<[string, number]>;
}

const dynamo = new Set(['dynalite', 'memory-level', 'abstract-level', 'level', 'level-supports', 'level-transcoder', 'module-error', 'lazy', 'big.js', 'lock', 'buffer-crc32', 'functional-red-black-tree', 'async', 'once']);
const sdk = (pkg: string) => pkg.startsWith('@aws-sdk/') || pkg.startsWith('@smithy/') || pkg.startsWith('@aws-crypto/') || pkg === 'fast-xml-parser' || pkg === 'strnum' || pkg === 'tslib' || pkg === 'uuid';

function packageOf(url: string): string | null {
  const at = url.lastIndexOf('/node_modules/');
  if (at < 0) return null;
  const parts = url.slice(at + '/node_modules/'.length).split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

function ownerOfFrame(url: string): Owner | null {
  if (!url) return null;
  const pkg = packageOf(url);
  if (pkg !== null) {
    if (dynamo.has(pkg)) return 'dynalite (emulated DynamoDB, server side)';
    if (sdk(pkg)) return 'AWS SDK client (HTTP, JSON parsing, unmarshalling)';
    if (pkg === 'csv-stringify') return 'csv-stringify';
    if (pkg === 'luxon' || pkg === 'zod') return 'Timepoint code (repositories, grouping, long rows, exportStudy)';
    return null;
  }
  if (url.includes('/functions/') || url.includes('/surveys/')) return 'Timepoint code (repositories, grouping, long rows, exportStudy)';
  if (url.includes('/bench/')) return 'benchmark harness (sink, timing wrappers)';
  return null;
}

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber?: number };
  children?: number[];
}

/** A short location: the path inside node_modules, or from functions/ (bench/, surveys/) on, or the URL. */
function where(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  const m = /\/(functions|bench|surveys|scripts)\/.*/.exec(url);
  return m ? m[0].slice(1) : url;
}

export function summariseProfile(profile: CpuProfile, save?: { dir: string; name: string }): ProfileSummary {
  if (save) writeFileSync(join(save.dir, save.name), JSON.stringify(profile));
  const nodes = profile.nodes as Node[];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parent = new Map<number, Node>();
  for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n);
  const ownerCache = new Map<number, Owner>();
  const owner = (id: number): Owner => {
    let o = ownerCache.get(id);
    if (o !== undefined) return o;
    const leaf = byId.get(id)!;
    const name = leaf.callFrame.functionName;
    if (name === '(garbage collector)') o = 'garbage collector';
    else if (name === '(program)' || name === '(idle)' || name === '(root)') o = 'idle / V8 program';
    else {
      for (let n: Node | undefined = leaf; n !== undefined && o === undefined; n = parent.get(n.id)) o = ownerOfFrame(n.callFrame.url) ?? undefined;
      o ??= 'Node internals (HTTP, sockets, streams, timers)';
    }
    ownerCache.set(id, o);
    return o;
  };
  const byOwner = new Map<Owner, number>(OWNERS.map((o) => [o, 0]));
  const self = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    totalMs += ms;
    byOwner.set(owner(id), byOwner.get(owner(id))! + ms);
    const f = byId.get(id)!.callFrame;
    const file = f.url ? `${where(f.url)}:${(f.lineNumber ?? 0) + 1}` : '';
    const key = `${f.functionName || '(anonymous)'}${file ? ` (${file})` : ''}`;
    self.set(key, (self.get(key) ?? 0) + ms);
  });
  return {
    totalMs,
    byOwner: [...byOwner],
    topSelf: [...self].sort(([, a], [, b]) => b - a).slice(0, 12),
  };
}
