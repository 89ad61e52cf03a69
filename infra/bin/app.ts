import { App } from 'aws-cdk-lib';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppStack } from '../lib/app-stack';
import { EdgeStack } from '../lib/edge-stack';
import { applyNag } from '../lib/nag';
import { StatefulStack } from '../lib/stateful-stack';

/**
 * Context values (cdk.json or `-c key=value`):
 * - stage: name prefix of the stacks (default "dev"). Tables have deletion protection in every stage.
 * - senderDomain: the domain emails are sent from (default "example.org": set it before deploying).
 * - systemSender: From address of staff sign-in emails (default "timepoint@<senderDomain>").
 * - maxSendRate: the SES sending quota, emails per second (default 1, the SES sandbox's).
 * - alarmEmail: an address subscribed to the alarm topic (optional; confirm the subscription email).
 * - waf: "false" leaves the distribution without Timepoint's WAF web ACL (accounts that manage WAF
 *   centrally); by default a web ACL with a per-client rate limit is created in us-east-1.
 * - webAclArn: attach this existing CLOUDFRONT web ACL instead of creating one (implies waf=false).
 * - wafRateLimit: requests one client address may make in 5 minutes (default 2000).
 * - reservedConcurrency: "false" reserves no Lambda concurrency (accounts at AWS's starting limit of 10).
 * - sourceMaps: "true" ships source maps and runs the functions with --enable-source-maps (stack
 *   traces with source lines, at a cost to every cold start); off by default (docs/operations.md).
 * - originSecretRotation: bump after rotating the CloudFront origin secret (docs/operations.md).
 * - region: the study's region, when the AWS profile names none (offline synth falls back to eu-west-2).
 */
const app = new App();
const context = (key: string) => app.node.tryGetContext(key) as string | number | boolean | undefined;
const flag = (key: string, byDefault: boolean) => (context(key) === undefined ? byDefault : String(context(key)) !== 'false');
const stage = (context('stage') as string | undefined) ?? 'dev';
const senderDomain = (context('senderDomain') as string | undefined) ?? 'example.org';
const systemSender = (context('systemSender') as string | undefined) ?? `timepoint@${senderDomain}`;
const maxSendRate = Number(context('maxSendRate') ?? 1);
const alarmEmail = context('alarmEmail') as string | undefined;
const centralWebAcl = context('webAclArn') as string | undefined;
const ownWaf = flag('waf', true) && centralWebAcl === undefined;
// The web ACL lives in us-east-1 and the app stack in the study's region: a cross-region
// reference, which needs both regions spelled out (not left to the deploy-time environment).
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = (context('region') as string | undefined) ?? process.env.CDK_DEFAULT_REGION ?? 'eu-west-2';
const env = { account, region };

const root = join(import.meta.dirname, '..', '..');
const webAssets = join(root, 'web', 'dist');
if (!existsSync(join(webAssets, 'index.html'))) {
  const { build } = await import('vite');
  await build({ configFile: join(root, 'web', 'vite.config.ts'), logLevel: 'warn' });
}

const stateful = new StatefulStack(app, `Timepoint-${stage}-Data`, { env });
const edge = ownWaf
  ? new EdgeStack(app, `Timepoint-${stage}-Edge`, {
      env: { account, region: 'us-east-1' },
      crossRegionReferences: true,
      stage,
      ...(context('wafRateLimit') !== undefined ? { rateLimit: Number(context('wafRateLimit')) } : {}),
    })
  : undefined;
const webAclArn = edge?.webAcl.attrArn ?? centralWebAcl;
new AppStack(app, `Timepoint-${stage}-App`, {
  env,
  crossRegionReferences: edge !== undefined,
  research: stateful.research,
  contacts: stateful.contacts,
  allocationKey: stateful.allocationKey,
  senderDomain,
  systemSender,
  webAssets,
  maxSendRate,
  ...(alarmEmail ? { alarmEmail } : {}),
  ...(webAclArn ? { webAclArn } : {}),
  ...(flag('reservedConcurrency', true) ? {} : { reservedConcurrency: false as const }),
  sourceMaps: flag('sourceMaps', false),
  ...(context('originSecretRotation') !== undefined ? { originSecretRotation: Number(context('originSecretRotation')) } : {}),
});
applyNag(app, { withoutWaf: webAclArn === undefined, withoutReservedConcurrency: !flag('reservedConcurrency', true) });
