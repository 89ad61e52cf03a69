import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { researchTable } from '../../functions/adapters/dynamodb/table-definitions';
import { pageContentSecurityPolicy } from '../../functions/http/page-headers';
import { AppStack } from '../../infra/lib/app-stack';
import { applyNag } from '../../infra/lib/nag';
import { StatefulStack } from '../../infra/lib/stateful-stack';
import cdkJson from '../../cdk.json' with { type: 'json' };

let app: App;
let data: Template;
let appTemplate: Template;

beforeAll(() => {
  // Bundling off: assertions are about the template, and one real bundling synth runs in CI (`npm run synth`).
  app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  const web = mkdtempSync(join(tmpdir(), 'timepoint-web-'));
  writeFileSync(join(web, 'index.html'), '<!doctype html>');
  const env = { account: '123456789012', region: 'eu-west-2' };
  const stateful = new StatefulStack(app, 'Data', { env, deletionProtection: true });
  const stack = new AppStack(app, 'App', { env, research: stateful.research, contacts: stateful.contacts, senderDomain: 'trial.example', systemSender: 'timepoint@trial.example', webAssets: web, maxSendRate: 14 });
  applyNag(app);
  data = Template.fromStack(stateful);
  appTemplate = Template.fromStack(stack);
});

describe('the stateful stack', () => {
  it('builds both tables from the shared definitions: keys, due index, on-demand, PITR, own CMK, retained', () => {
    data.resourceCountIs('AWS::DynamoDB::GlobalTable', 2);
    data.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: researchTable.partitionKey, KeyType: 'HASH' },
          { AttributeName: researchTable.sortKey, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: [
          Match.objectLike({ IndexName: 'due', KeySchema: [{ AttributeName: 'duePk', KeyType: 'HASH' }, { AttributeName: 'dueSk', KeyType: 'RANGE' }] }),
        ],
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        TimeToLiveSpecification: { AttributeName: 'expiresAtEpoch', Enabled: true },
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })],
      }),
    });
    // Research and contacts each have their own rotating key.
    data.resourceCountIs('AWS::KMS::Key', 2);
    data.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('keeps the logical ids of the tables stable (renaming them would replace the data)', () => {
    expect(Object.keys(data.findResources('AWS::DynamoDB::GlobalTable')).sort()).toEqual([expect.stringMatching(/^Contacts/), expect.stringMatching(/^Research/)]);
  });
});

describe('the app stack', () => {
  it('runs the API, the dispatcher and the feedback handler on Node 22, arm64, with table names and the public URL', () => {
    appTemplate.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Architectures: ['arm64'] }, 3);
    const env = Match.objectLike({ RESEARCH_TABLE: Match.anyValue(), CONTACTS_TABLE: Match.anyValue(), TIMEPOINT_BASE_URL: Match.anyValue() });
    appTemplate.resourcePropertiesCountIs('AWS::Lambda::Function', { Environment: { Variables: env } }, 3);
    appTemplate.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ TIMEPOINT_MAX_SEND_RATE: '14' }) } });
  });

  it('feeds SES delivery, bounce and complaint events through an encrypted, TLS-only topic to the feedback Lambda', () => {
    appTemplate.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({ Enabled: true, MatchingEventTypes: ['delivery', 'bounce', 'complaint'], SnsDestination: Match.anyValue() }),
    });
    appTemplate.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    appTemplate.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda' });
  });

  it('runs the dispatcher every minute', () => {
    appTemplate.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)', State: 'ENABLED' });
  });

  it('puts the API behind an HTTP API $default stage with access logs and throttling', () => {
    appTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      DefaultRouteSettings: { ThrottlingBurstLimit: 200, ThrottlingRateLimit: 100 },
    });
  });

  it('serves the web app from a private bucket through CloudFront, with /api/* going to the API uncached', () => {
    appTemplate.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    appTemplate.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: [Match.objectLike({ PathPattern: '/api/*', ViewerProtocolPolicy: 'https-only', AllowedMethods: Match.arrayWith(['POST']) })],
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
      }),
    });
  });

  it('serves pages with the same strict security headers as the local server, and caches hashed assets for a year', () => {
    appTemplate.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: { ContentSecurityPolicy: pageContentSecurityPolicy, Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
        }),
      }),
    });
    appTemplate.hasResourceProperties('Custom::CDKBucketDeployment', { SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' } });
    appTemplate.hasResourceProperties('Custom::CDKBucketDeployment', { SystemMetadata: { 'cache-control': 'no-cache' }, DistributionPaths: ['/*'] });
  });

  it('sets up SES: a domain identity for the sender domain and a configuration set', () => {
    appTemplate.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'trial.example' });
    appTemplate.resourceCountIs('AWS::SES::ConfigurationSet', 1);
  });

  it('grants table access without wildcard actions, and the dispatcher only reads contacts', () => {
    const policies = JSON.stringify(appTemplate.findResources('AWS::IAM::Policy'));
    expect(policies).not.toMatch(/"dynamodb:\*"|"Action":"\*"/);
    const dispatcherPolicy = Object.entries(appTemplate.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('Dispatcher'))![1];
    const statements = (dispatcherPolicy.Properties.PolicyDocument.Statement as Array<{ Action: string[] | string; Resource: unknown }>);
    const contactStatements = statements.filter((s) => JSON.stringify(s.Resource).includes('Contacts') && JSON.stringify(s.Action).includes('dynamodb:'));
    expect(contactStatements).toHaveLength(1);
    expect(contactStatements[0]!.Action).not.toContain('dynamodb:PutItem');
  });
});

describe('cdk-nag', () => {
  it('reports no unacknowledged AwsSolutions finding', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    const open = report.violations.flatMap((v) =>
      v.violatingResources.filter((r) => !isAcknowledged(app, r.constructPath ?? '', v.ruleName)).map((r) => `${v.ruleName} at ${r.constructPath}`),
    );
    expect(open).toEqual([]);
  });

  it('has no error annotations', () => {
    for (const stack of app.node.children.filter((c): c is Stack => c instanceof Stack)) {
      expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    }
  });
});

/** Whether a rule is acknowledged on a construct or an ancestor (how cdk-nag itself decides). */
function isAcknowledged(root: App, path: string, ruleId: string): boolean {
  let node = root.node.findAll().find((c) => c.node.path === path);
  while (node) {
    for (const entry of node.node.metadata) {
      if (entry.data && typeof entry.data === 'object' && Object.keys(entry.data).some((k) => k.replace(/^annotation::/i, '') === ruleId)) return true;
    }
    node = node.node.scope;
  }
  return false;
}
