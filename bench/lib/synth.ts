/**
 * What is deployed, read from the synthesized CloudFormation: the project's own CDK app
 * (infra/bin/app.ts) run into a throw-away folder, with the context of cdk.json, as `npm run synth`
 * runs it. With `bundle`, the Lambda functions are bundled by their TimepointFunction constructs
 * (the local esbuild), so each function's asset folder holds the very index.mjs that would be
 * uploaded. Nothing is deployed and no AWS account is needed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

export interface Resource {
  stack: string;
  logicalId: string;
  type: string;
  properties: Record<string, unknown>;
}

export interface DeployedFunction {
  logicalId: string;
  runtime: string;
  memoryMiB: number;
  architecture: string;
  /** Its environment; values CloudFormation resolves at deploy time (table names…) as placeholders. */
  env: Record<string, string>;
  /** The bundle's folder (index.mjs, index.mjs.map), when bundled. */
  assetDir?: string;
}

export interface Synth {
  resources: Resource[];
  functions: DeployedFunction[];
  dispose(): void;
}

/** A stand-in for a value CloudFormation fills in at deploy time (a URL where the name says so). */
const placeholder = (name: string) => (/URL$/.test(name) ? 'https://deployed.example.org' : `deployed-${name.toLowerCase().replace(/_/g, '-')}`);

/** Synthesizes the app (about 15–30 s: CDK, cdk-nag, and the bundling when asked). */
export function synthesize(settings: { bundle: boolean }): Synth {
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-synth-'));
  const context = (JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'infra', 'bin', 'app.ts')], {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...process.env,
      CDK_OUTDIR: dir,
      CDK_DEFAULT_ACCOUNT: '123456789012',
      CDK_DEFAULT_REGION: 'eu-west-2',
      CDK_CONTEXT_JSON: JSON.stringify({ ...context, ...(settings.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) }),
    },
  });
  if (child.status !== 0) throw new Error(`synthesizing infra/bin/app.ts failed (exit ${child.status}): ${child.stderr.slice(-2000)}`);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const resources: Resource[] = [];
  for (const [stack, artifact] of Object.entries(manifest.artifacts)) {
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    const template = JSON.parse(readFileSync(join(dir, artifact.properties.templateFile), 'utf8')) as { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
    for (const [logicalId, r] of Object.entries(template.Resources ?? {})) resources.push({ stack, logicalId, type: r.Type, properties: r.Properties ?? {} });
  }
  const functions = resources
    .filter((r) => r.type === 'AWS::Lambda::Function' && String(r.properties.Runtime ?? '').startsWith('nodejs'))
    .map((r): DeployedFunction => {
      const p = r.properties as { Runtime: string; MemorySize?: number; Architectures?: string[]; Environment?: { Variables?: Record<string, unknown> }; Code?: { S3Key?: unknown } };
      const key = typeof p.Code?.S3Key === 'string' ? p.Code.S3Key.replace(/\.zip$/, '') : undefined;
      const assetDir = key !== undefined && existsSync(join(dir, `asset.${key}`, 'index.mjs')) ? join(dir, `asset.${key}`) : undefined;
      return {
        logicalId: r.logicalId,
        runtime: p.Runtime,
        memoryMiB: p.MemorySize ?? 128,
        architecture: p.Architectures?.[0] ?? 'x86_64',
        env: Object.fromEntries(Object.entries(p.Environment?.Variables ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : placeholder(k)])),
        ...(assetDir ? { assetDir } : {}),
      };
    });
  return { resources, functions, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
