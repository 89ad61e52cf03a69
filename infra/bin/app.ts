import { App } from 'aws-cdk-lib';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppStack } from '../lib/app-stack';
import { applyNag } from '../lib/nag';
import { StatefulStack } from '../lib/stateful-stack';

/**
 * Context values (cdk.json or `-c key=value`):
 * - stage: name prefix of the stacks (default "dev"). Tables have deletion protection in every stage.
 * - senderDomain: the domain emails are sent from (default "example.org": set it before deploying).
 * - systemSender: From address of staff sign-in emails (default "timepoint@<senderDomain>").
 * - maxSendRate: the SES sending quota, emails per second (default 1, the SES sandbox's).
 * - alarmEmail: an address subscribed to the alarm topic (optional; confirm the subscription email).
 */
const app = new App();
const stage = (app.node.tryGetContext('stage') as string | undefined) ?? 'dev';
const senderDomain = (app.node.tryGetContext('senderDomain') as string | undefined) ?? 'example.org';
const systemSender = (app.node.tryGetContext('systemSender') as string | undefined) ?? `timepoint@${senderDomain}`;
const maxSendRate = Number((app.node.tryGetContext('maxSendRate') as string | number | undefined) ?? 1);
const alarmEmail = app.node.tryGetContext('alarmEmail') as string | undefined;
const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };

const root = join(import.meta.dirname, '..', '..');
const webAssets = join(root, 'web', 'dist');
if (!existsSync(join(webAssets, 'index.html'))) {
  const { build } = await import('vite');
  await build({ configFile: join(root, 'web', 'vite.config.ts'), logLevel: 'warn' });
}

const stateful = new StatefulStack(app, `Timepoint-${stage}-Data`, { env });
new AppStack(app, `Timepoint-${stage}-App`, {
  env,
  research: stateful.research,
  contacts: stateful.contacts,
  allocationKey: stateful.allocationKey,
  senderDomain,
  systemSender,
  webAssets,
  maxSendRate,
  ...(alarmEmail ? { alarmEmail } : {}),
});
applyNag(app);
