import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppStack, type AppStackProps } from '../../infra/lib/app-stack';
import { EdgeStack } from '../../infra/lib/edge-stack';
import { applyNag } from '../../infra/lib/nag';
import { StatefulStack } from '../../infra/lib/stateful-stack';
import cdkJson from '../../cdk.json' with { type: 'json' };

export interface SynthOptions {
  /** `own` (the default deployment: an EdgeStack in us-east-1), `central` (an existing web ACL by ARN), or `none` (waf=false). */
  waf?: 'own' | 'central' | 'none';
  reservedConcurrency?: false;
  alarmEmail?: string;
  wafRateLimit?: number;
}

export const CENTRAL_WEB_ACL = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/central/11111111-2222-3333-4444-555555555555';

/**
 * The deployment as infra/bin/app.ts builds it, with bundling off (assertions are about the
 * template; one real bundling synth runs in CI with `npm run synth`) and cdk-nag applied.
 */
export function synthStacks(options: SynthOptions = {}) {
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  const web = mkdtempSync(join(tmpdir(), 'timepoint-web-'));
  writeFileSync(join(web, 'index.html'), '<!doctype html>');
  const env = { account: '123456789012', region: 'eu-west-2' };
  const waf = options.waf ?? 'own';
  // Deletion protection left to its default: it must be on without being asked for.
  const stateful = new StatefulStack(app, 'Data', { env });
  const edge =
    waf === 'own'
      ? new EdgeStack(app, 'Edge', { env: { ...env, region: 'us-east-1' }, crossRegionReferences: true, stage: 'test', ...(options.wafRateLimit ? { rateLimit: options.wafRateLimit } : {}) })
      : undefined;
  const webAclArn = waf === 'own' ? edge!.webAcl.attrArn : waf === 'central' ? CENTRAL_WEB_ACL : undefined;
  const props: AppStackProps = {
    env,
    crossRegionReferences: edge !== undefined,
    research: stateful.research,
    contacts: stateful.contacts,
    allocationKey: stateful.allocationKey,
    senderDomain: 'trial.example',
    systemSender: 'timepoint@trial.example',
    webAssets: web,
    maxSendRate: 14,
    ...(options.alarmEmail ? { alarmEmail: options.alarmEmail } : {}),
    ...(webAclArn ? { webAclArn } : {}),
    ...(options.reservedConcurrency === false ? { reservedConcurrency: false as const } : {}),
  };
  const appStack = new AppStack(app, 'App', props);
  applyNag(app, { withoutWaf: webAclArn === undefined, withoutReservedConcurrency: options.reservedConcurrency === false });
  return {
    app,
    stateful,
    edge,
    appStack,
    data: Template.fromStack(stateful),
    appTemplate: Template.fromStack(appStack),
    edgeTemplate: edge ? Template.fromStack(edge) : undefined,
  };
}
