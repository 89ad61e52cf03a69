import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { researchTable } from '../../functions/adapters/dynamodb/table-definitions';
import { pageContentSecurityPolicy } from '../../functions/http/page-headers';
import { FORWARDED_AUTHORIZATION_HEADER, ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER } from '../../functions/http/edge-headers';
import { defaultReservedConcurrency, EXPORT_HEAP_MB, EXPORT_PATH_PATTERN } from '../../infra/lib/app-stack';
import { EXPORT_PATH } from '../../functions/http/export-app';
import { acceptedFindings, acceptedFindingsFor, nagPacks, optOutFindings, type NagOptions } from '../../infra/lib/nag';
import { synthStacks, type SynthOptions } from '../helpers/synth-stacks';

let app: App;
let data: Template;
let appTemplate: Template;
/** The app stack built without an alarm email (the context value is optional). */
let quietTemplate: Template;

beforeAll(() => {
  ({ app, data, appTemplate } = synthStacks({ alarmEmail: 'oncall@trial.example' }));
  ({ appTemplate: quietTemplate } = synthStacks({ waf: 'central' }));
});

describe('the stateful stack', () => {
  it('builds both tables from the shared definitions: keys, due index, on-demand, PITR, own CMK, retained', () => {
    data.resourceCountIs('AWS::DynamoDB::GlobalTable', 2);
    data.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
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
    // Research and contacts each have their own rotating key, the backup vault a third, the allocation sequences a fourth.
    data.resourceCountIs('AWS::KMS::Key', 4);
    data.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('protects both tables: own customer-managed key, PITR, deletion protection, retained on stack deletion and replacement', () => {
    const tables = Object.values(data.findResources('AWS::DynamoDB::GlobalTable'));
    const keys = data.findResources('AWS::KMS::Key');
    expect(tables).toHaveLength(2);
    const tableKeys = new Set<string>();
    for (const table of tables) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
      expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
      const [replica] = table.Properties.Replicas as Array<Record<string, any>>;
      expect(replica!.DeletionProtectionEnabled).toBe(true);
      expect(replica!.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      // A key of this stack (customer-managed), not the AWS-owned default.
      const keyId = replica!.SSESpecification.KMSMasterKeyId['Fn::GetAtt'][0] as string;
      expect(keys[keyId]).toBeDefined();
      tableKeys.add(keyId);
    }
    expect(tableKeys.size).toBe(2);
    for (const key of Object.values(keys)) {
      expect(key.DeletionPolicy).toBe('Retain');
      expect(key.UpdateReplacePolicy).toBe('Retain');
    }
  });

  it('backs both tables up daily (35 days) and monthly (a year) into a retained vault under its own key', () => {
    const vaults = data.findResources('AWS::Backup::BackupVault');
    expect(Object.values(vaults)).toEqual([expect.objectContaining({ DeletionPolicy: 'Retain', Properties: expect.objectContaining({ EncryptionKeyArn: { 'Fn::GetAtt': [expect.stringMatching(/^BackupKey/), 'Arn'] } }) })]);
    data.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: Match.objectLike({
        BackupPlanRule: [
          Match.objectLike({ RuleName: 'Daily', ScheduleExpression: 'cron(0 3 * * ? *)', Lifecycle: { DeleteAfterDays: 35 } }),
          Match.objectLike({ RuleName: 'Monthly', ScheduleExpression: 'cron(0 3 1 * ? *)', Lifecycle: { DeleteAfterDays: 365 } }),
        ],
      }),
    });
    const selection = Object.values(data.findResources('AWS::Backup::BackupSelection'));
    expect(selection).toHaveLength(1);
    const resources = JSON.stringify(selection[0]!.Properties.BackupSelection.Resources);
    for (const table of Object.keys(data.findResources('AWS::DynamoDB::GlobalTable'))) expect(resources).toContain(`"${table}"`);
  });

  it('keeps the logical ids of the tables stable (renaming them would replace the data)', () => {
    expect(Object.keys(data.findResources('AWS::DynamoDB::GlobalTable')).sort()).toEqual([expect.stringMatching(/^Contacts/), expect.stringMatching(/^Research/)]);
  });
});

describe('the app stack', () => {
  it('runs the staff API, the participant API, the export, the dispatcher and the feedback handler on Node 22, arm64, with table names and the public URL', () => {
    appTemplate.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Architectures: ['arm64'] }, 5);
    const env = Match.objectLike({ RESEARCH_TABLE: Match.anyValue(), CONTACTS_TABLE: Match.anyValue(), TIMEPOINT_BASE_URL: Match.anyValue() });
    appTemplate.resourcePropertiesCountIs('AWS::Lambda::Function', { Environment: { Variables: env } }, 5);
    appTemplate.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ TIMEPOINT_MAX_SEND_RATE: '14' }) } });
  });

  it('feeds SES delivery, bounce and complaint events through an encrypted, TLS-only topic to the feedback Lambda', () => {
    appTemplate.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({ Enabled: true, MatchingEventTypes: ['delivery', 'bounce', 'complaint'], SnsDestination: Match.anyValue() }),
    });
    appTemplate.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    appTemplate.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda' });
  });

  it('encrypts the SES feedback topic with the operations key, which also holds its dead letters: the application stack has that one key', () => {
    const operationsKey = logicalId(appTemplate, 'AWS::KMS::Key', 'OperationsKey');
    expect(Object.keys(appTemplate.findResources('AWS::KMS::Key'))).toEqual([operationsKey]);
    const feedbackTopic = Object.entries(appTemplate.findResources('AWS::SNS::Topic')).find(([id]) => id.startsWith('SesFeedback'))![1];
    expect(target(feedbackTopic.Properties.KmsMasterKeyId)).toBe(operationsKey);
    // SES must be able to publish to it.
    const statements = appTemplate.findResources('AWS::KMS::Key')[operationsKey]!.Properties.KeyPolicy.Statement as Array<{ Principal?: { Service?: unknown }; Action?: unknown }>;
    const forSes = statements.find((s) => [s.Principal?.Service].flat().includes('ses.amazonaws.com'));
    expect([forSes?.Action].flat()).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
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
        CacheBehaviors: [Match.objectLike({ PathPattern: EXPORT_PATH_PATTERN }), Match.objectLike({ PathPattern: '/api/*', ViewerProtocolPolicy: 'https-only', AllowedMethods: Match.arrayWith(['POST']) })],
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

  it('lets only the functions that enrol use the allocation key — the staff API, the participant API (self-enrolment) and the dispatcher (import jobs) — only to seal and open allocation state (docs/randomisation.md)', () => {
    const policies = Object.entries(appTemplate.findResources('AWS::IAM::Policy'));
    const usesAllocationKey = policies.filter(([, p]) =>
      (p.Properties.PolicyDocument.Statement as Array<{ Resource: unknown }>).some((s) => JSON.stringify(s.Resource).includes('AllocationKey')),
    );
    expect(usesAllocationKey.map(([id]) => id).sort()).toEqual([expect.stringMatching(/^Api/), expect.stringMatching(/^Dispatcher/), expect.stringMatching(/^Participant/)]);
    for (const [, policy] of usesAllocationKey) {
      const statement = (policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>).find((s) => JSON.stringify(s.Resource).includes('AllocationKey'))!;
      expect([...(statement.Action as string[])].sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      expect(statement.Condition).toEqual({ StringEquals: { 'kms:EncryptionContext:purpose': 'allocation' } });
    }
    const withKey = Object.keys(appTemplate.findResources('AWS::Lambda::Function')).filter((id) => appTemplate.findResources('AWS::Lambda::Function')[id]!.Properties.Environment?.Variables?.TIMEPOINT_ALLOCATION_KMS_KEY !== undefined);
    expect(withKey.sort()).toEqual([expect.stringMatching(/^ApiFunction/), expect.stringMatching(/^DispatcherFunction/), expect.stringMatching(/^ParticipantFunction/)]);
  });

  it('grants table access without wildcard actions; the dispatcher may write contacts as enrolment does (it runs import jobs)', () => {
    const policies = JSON.stringify(appTemplate.findResources('AWS::IAM::Policy'));
    expect(policies).not.toMatch(/"dynamodb:\*"|"Action":"\*"/);
    const contactActions = (prefix: string) => {
      const policy = Object.entries(appTemplate.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith(prefix))![1];
      const statements = policy.Properties.PolicyDocument.Statement as Array<{ Action: string[] | string; Resource: unknown }>;
      const onContacts = statements.filter((s) => JSON.stringify(s.Resource).includes('Contacts') && JSON.stringify(s.Action).includes('dynamodb:'));
      expect(onContacts).toHaveLength(1);
      return [onContacts[0]!.Action].flat();
    };
    // Enrolling an import job's rows: reserve an address, store the contact, release or take over a reservation, lease and finish a chunk.
    expect(contactActions('Dispatcher')).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchGetItem', 'dynamodb:Query']));
  });
});

describe('the participant Lambda', () => {
  const functions = () => appTemplate.findResources('AWS::Lambda::Function');
  const idOf = (prefix: string) => Object.keys(functions()).find((id) => id.startsWith(prefix))!;
  /** Route key → the logical id of the function its integration invokes. */
  const routes = () => {
    const integrations = appTemplate.findResources('AWS::ApiGatewayV2::Integration');
    return Object.fromEntries(
      Object.values(appTemplate.findResources('AWS::ApiGatewayV2::Route')).map((r) => {
        const integration = integrations[target(r.Properties.Target['Fn::Join'][1][1])]!;
        return [r.Properties.RouteKey as string, target(integration.Properties.IntegrationUri)];
      }),
    );
  };

  it('exists under a logical id naming it, on the same runtime as the others', () => {
    expect(idOf('ParticipantFunction')).toMatch(/^ParticipantFunction/);
    expect(functions()[idOf('ParticipantFunction')]!.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
  });

  it('gets /api/p, /api/u and /api/join (and everything under them) from the HTTP API; every other path goes to the staff API', () => {
    const participant = idOf('ParticipantFunction');
    expect(routes()).toEqual({
      $default: idOf('ApiFunction'),
      'ANY /api/p': participant,
      'ANY /api/p/{proxy+}': participant,
      'ANY /api/u': participant,
      'ANY /api/u/{proxy+}': participant,
      'ANY /api/join': participant,
      'ANY /api/join/{proxy+}': participant,
    });
  });

  it('sits behind the same CloudFront behaviour as the staff API: one /api/* origin (only exports go elsewhere), which carries the origin secret and sets the viewer address', () => {
    const distribution = Object.values(appTemplate.findResources('AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig;
    expect((distribution.CacheBehaviors as Array<{ PathPattern: string }>).map((b) => b.PathPattern)).toEqual([EXPORT_PATH_PATTERN, '/api/*']);
    const apiOrigin = (distribution.Origins as Array<{ DomainName: unknown; OriginCustomHeaders?: Array<{ HeaderName: string }> }>).find((o) => JSON.stringify(o.DomainName).includes('HttpApi'))!;
    expect(apiOrigin.OriginCustomHeaders!.map((h) => h.HeaderName)).toContain(ORIGIN_SECRET_HEADER);
  });

  it('is given the origin secret (current and previous) exactly as the staff API is, so it refuses requests that did not come through CloudFront', () => {
    const env = (prefix: string) => functions()[idOf(prefix)]!.Properties.Environment.Variables as Record<string, unknown>;
    for (const name of ['TIMEPOINT_ORIGIN_SECRET', 'TIMEPOINT_ORIGIN_SECRET_PREVIOUS', 'TIMEPOINT_ORIGIN_SECRET_ROTATION']) {
      expect(env('ParticipantFunction')[name], name).toBeDefined();
      expect(env('ParticipantFunction')[name], name).toEqual(env('ApiFunction')[name]);
    }
    expect(JSON.stringify(env('ParticipantFunction').TIMEPOINT_ORIGIN_SECRET)).toContain('{{resolve:secretsmanager:');
  });

  it('is granted exactly what its routes need, action by action: both tables and their keys, the allocation key for allocation only, sending through the identity and configuration set, and tracing', () => {
    const policy = Object.entries(appTemplate.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('ParticipantFunction'))![1];
    const statements = policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }>;
    const actions = (s: { Action: string | string[] }) => [s.Action].flat().sort();
    expect(statements.map(actions)).toEqual([
      ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
      ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DeleteItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
      ['kms:Decrypt', 'kms:GenerateDataKey'],
      ['ses:SendEmail', 'ses:SendRawEmail'],
    ]);
    for (const statement of statements) expect(actions(statement).some((a) => a.includes('*')), JSON.stringify(statement.Action)).toBe(false);
    // Only X-Ray's own actions take no resource; everything else is named.
    for (const statement of statements.filter((s) => !actions(s)[0]!.startsWith('xray:'))) expect(JSON.stringify(statement.Resource)).not.toBe('"*"');
    expect(JSON.stringify(statements[3]!.Resource)).toContain('AllocationKey');
    expect(statements[3]!.Condition).toEqual({ StringEquals: { 'kms:EncryptionContext:purpose': 'allocation' } });
  });

  it('reserves concurrency of its own (none with reservedConcurrency=false), and logs to a log group of its own', () => {
    expect(functions()[idOf('ParticipantFunction')]!.Properties.ReservedConcurrentExecutions).toBe(defaultReservedConcurrency.participant);
    const unreserved = synthStacks({ reservedConcurrency: false, waf: 'central' }).appTemplate.findResources('AWS::Lambda::Function');
    expect(Object.entries(unreserved).find(([id]) => id.startsWith('ParticipantFunction'))![1].Properties.ReservedConcurrentExecutions).toBeUndefined();
    const logGroups = (prefix: string) => JSON.stringify(functions()[idOf(prefix)]!.Properties.LoggingConfig);
    expect(logGroups('ParticipantFunction')).toMatch(/ParticipantLogs/);
    expect(logGroups('ParticipantFunction')).not.toEqual(logGroups('ApiFunction'));
  });

  it('runs without --enable-source-maps unless asked for, like every function', () => {
    for (const fn of Object.values(functions())) expect(JSON.stringify(fn.Properties.Environment ?? {})).not.toContain('enable-source-maps');
  });
});

describe('the export function', () => {
  const functions = () => appTemplate.findResources('AWS::Lambda::Function');
  const idOf = (prefix: string) => Object.keys(functions()).find((id) => id.startsWith(prefix))!;
  const distribution = () => Object.values(appTemplate.findResources('AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig;
  const exportBehaviour = () => (distribution().CacheBehaviors as Array<Record<string, any>>).find((b) => b.PathPattern === EXPORT_PATH_PATTERN)!;

  it('streams its response through a function URL that only IAM-signed requests may call, for up to 15 minutes', () => {
    const urls = Object.values(appTemplate.findResources('AWS::Lambda::Url'));
    expect(urls).toHaveLength(1);
    expect(urls[0]!.Properties).toMatchObject({ AuthType: 'AWS_IAM', InvokeMode: 'RESPONSE_STREAM' });
    expect(target(urls[0]!.Properties.TargetFunctionArn)).toBe(idOf('ExportFunction'));
    expect(functions()[idOf('ExportFunction')]!.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Timeout: 900, ReservedConcurrentExecutions: defaultReservedConcurrency.export });
    // Its heap bounded well inside its memory, so V8 collects rather than grows (bench/README.md#export-memory).
    expect(functions()[idOf('ExportFunction')]!.Properties.Environment.Variables.NODE_OPTIONS).toBe(`--max-old-space-size=${EXPORT_HEAP_MB}`);
  });

  it('may be invoked through its URL by this distribution alone (origin access control), and by nothing else', () => {
    const exportUrl = logicalId(appTemplate, 'AWS::Lambda::Url', 'ExportFunction');
    const permissions = Object.values(appTemplate.findResources('AWS::Lambda::Permission')).filter((p) => [idOf('ExportFunction'), exportUrl].includes(target(p.Properties.FunctionName)));
    // Invoking a function URL takes both permissions, the second only through the URL.
    expect(permissions.map((p) => [p.Properties.Action, p.Properties.Principal, p.Properties.InvokedViaFunctionUrl ?? false]).sort()).toEqual([
      ['lambda:InvokeFunction', 'cloudfront.amazonaws.com', true],
      ['lambda:InvokeFunctionUrl', 'cloudfront.amazonaws.com', false],
    ]);
    for (const p of permissions) expect(JSON.stringify(p.Properties.SourceArn)).toContain(logicalId(appTemplate, 'AWS::CloudFront::Distribution', 'SiteDistribution'));
    const controls = Object.values(appTemplate.findResources('AWS::CloudFront::OriginAccessControl')).map((c) => c.Properties.OriginAccessControlConfig);
    expect(controls).toContainEqual(expect.objectContaining({ OriginAccessControlOriginType: 'lambda', SigningBehavior: 'always', SigningProtocol: 'sigv4' }));
  });

  it('gets exactly the export path from CloudFront, GET and HEAD only, uncached, with the origin secret; its viewer function sets the viewer address and moves the bearer token aside', () => {
    const behaviour = exportBehaviour();
    expect(EXPORT_PATH.test('/api/studies/s1/export')).toBe(true);
    expect(behaviour.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(behaviour.ViewerProtocolPolicy).toBe('https-only');
    const origin = (distribution().Origins as Array<Record<string, any>>).find((o) => o.Id === behaviour.TargetOriginId)!;
    expect(JSON.stringify(origin.DomainName)).toContain('ExportFunction');
    expect(origin.OriginCustomHeaders.map((h: { HeaderName: string }) => h.HeaderName)).toContain(ORIGIN_SECRET_HEADER);
    const fnId = target(behaviour.FunctionAssociations[0].FunctionARN);
    const code = appTemplate.findResources('AWS::CloudFront::Function')[fnId]!.Properties.FunctionCode as string;
    expect(code).toContain(VIEWER_ADDRESS_HEADER);
    expect(code).toContain(FORWARDED_AUTHORIZATION_HEADER);
  });

  it('reads the research table and appends to it (the audit entry), with no access at all to the contacts table', () => {
    const policy = Object.entries(appTemplate.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('ExportFunction'))![1];
    const statements = policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>;
    const text = JSON.stringify(statements);
    expect(text).toMatch(/Research[0-9A-F]{8}Arn/);
    expect(text).not.toMatch(/Contacts[0-9A-F]{8}Arn|ContactsKey/);
    expect(text).not.toMatch(/ses:|AllocationKey/);
    for (const statement of statements) expect([statement.Action].flat().some((a) => a.includes('*'))).toBe(false);
  });
});

/** The logical id of the resource a `Ref` or `Fn::GetAtt` points at. */
const target = (reference: unknown): string => {
  const r = reference as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  return r.Ref ?? r['Fn::GetAtt']![0];
};
const logicalId = (template: Template, type: string, prefix: string): string => {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0]!;
};
const alarms = () => Object.values(appTemplate.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties as Record<string, any>);
/** The alarms on one metric, optionally of one resource (its dimension's target). */
const alarmsOn = (namespace: string, metricName: string, resource?: string) =>
  alarms().filter((a) => a.Namespace === namespace && a.MetricName === metricName && (resource === undefined || (a.Dimensions ?? []).some((d: { Value: unknown }) => target(d.Value) === resource)));

describe('dead letters and alarms', () => {
  it('parks failed asynchronous invocations of the dispatcher and feedback Lambdas in their own encrypted queues with 14 days\' retention; the API (synchronous) has none', () => {
    const functions = appTemplate.findResources('AWS::Lambda::Function');
    const queues = appTemplate.findResources('AWS::SQS::Queue');
    const keys = appTemplate.findResources('AWS::KMS::Key');
    const dlqOf = (prefix: string) => {
      const fn = functions[logicalId(appTemplate, 'AWS::Lambda::Function', prefix)]!;
      return fn.Properties.DeadLetterConfig ? target(fn.Properties.DeadLetterConfig.TargetArn) : undefined;
    };
    const dispatcherQueue = dlqOf('DispatcherFunction')!;
    const feedbackQueue = dlqOf('FeedbackFunction')!;
    expect(dlqOf('ApiFunction')).toBeUndefined();
    expect(dlqOf('ParticipantFunction')).toBeUndefined();
    expect(dispatcherQueue).not.toEqual(feedbackQueue);
    for (const id of [dispatcherQueue, feedbackQueue]) {
      expect(queues[id]!.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      expect(keys[target(queues[id]!.Properties.KmsMasterKeyId)]).toBeDefined();
    }
    // What EventBridge cannot deliver to the dispatcher, and what SNS cannot deliver to the feedback Lambda, lands there too.
    const rule = Object.values(appTemplate.findResources('AWS::Events::Rule'))[0]!;
    expect(target(rule.Properties.Targets[0].DeadLetterConfig.Arn)).toBe(dispatcherQueue);
    const lambdaSubscription = Object.values(appTemplate.findResources('AWS::SNS::Subscription')).find((s) => s.Properties.Protocol === 'lambda')!;
    expect(target(lambdaSubscription.Properties.RedrivePolicy.deadLetterTargetArn)).toBe(feedbackQueue);
    // Both queues are TLS-only.
    appTemplate.resourcePropertiesCountIs('AWS::SQS::QueuePolicy', {
      PolicyDocument: Match.objectLike({ Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) }),
    }, 2);
  });

  it('lets the services that write to the encrypted queues, topic and logs use the operations key, and nothing broader', () => {
    const key = appTemplate.findResources('AWS::KMS::Key')[logicalId(appTemplate, 'AWS::KMS::Key', 'OperationsKey')]!;
    const statements = key.Properties.KeyPolicy.Statement as Array<{ Principal?: { Service?: unknown } }>;
    const services = JSON.stringify(statements.map((s) => s.Principal?.Service).filter(Boolean));
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com', 'sns.amazonaws.com', 'ses.amazonaws.com', 'logs.']) expect(services).toContain(service);
    // The logs grant is limited to this account's log groups.
    expect(JSON.stringify(statements)).toMatch(/kms:EncryptionContext:aws:logs:arn/);
  });

  it('alarms on errors and throttles of every function but the export (interactive: its failure is the analyst\'s failed download)', () => {
    expect(alarmsOn('AWS/Lambda', 'Errors', logicalId(appTemplate, 'AWS::Lambda::Function', 'ExportFunction'))).toEqual([]);
    for (const prefix of ['ApiFunction', 'ParticipantFunction', 'DispatcherFunction', 'FeedbackFunction']) {
      const fn = logicalId(appTemplate, 'AWS::Lambda::Function', prefix);
      for (const metric of ['Errors', 'Throttles']) {
        expect(alarmsOn('AWS/Lambda', metric, fn), `${metric} of ${prefix}`).toEqual([
          expect.objectContaining({ Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Period: 300 }),
        ]);
      }
    }
  });

  it('alarms as soon as one message waits in either dead-letter queue', () => {
    const queues = Object.keys(appTemplate.findResources('AWS::SQS::Queue'));
    expect(queues).toHaveLength(2);
    for (const queue of queues) {
      expect(alarmsOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible', queue)).toEqual([
        expect.objectContaining({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' }),
      ]);
    }
  });

  it('alarms when the dispatcher has not run in 10 minutes, counting no data as not running', () => {
    const dispatcher = logicalId(appTemplate, 'AWS::Lambda::Function', 'DispatcherFunction');
    expect(alarmsOn('AWS/Lambda', 'Invocations', dispatcher)).toEqual([
      expect.objectContaining({ Statistic: 'Sum', Period: 600, Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching' }),
    ]);
  });

  it('alarms on any API 5xx, and on SES bounce and complaint rates below the levels where SES reviews the account', () => {
    const api = logicalId(appTemplate, 'AWS::ApiGatewayV2::Api', 'HttpApi');
    expect(alarmsOn('AWS/ApiGateway', '5xx', api)).toEqual([expect.objectContaining({ Statistic: 'Sum', Threshold: 1 })]);
    const [bounce] = alarmsOn('AWS/SES', 'Reputation.BounceRate');
    const [complaint] = alarmsOn('AWS/SES', 'Reputation.ComplaintRate');
    expect(bounce!.Threshold).toBeLessThan(0.05);
    expect(complaint!.Threshold).toBeLessThan(0.001);
  });

  it('sends every alarm to one encrypted, TLS-only topic, emailed to the address from context when one is given', () => {
    const topic = logicalId(appTemplate, 'AWS::SNS::Topic', 'OperationsAlarmTopic');
    expect(alarms().length).toBe(14);
    for (const alarm of alarms()) expect(alarm.AlarmActions, alarm.AlarmDescription).toEqual([{ Ref: topic }]);
    for (const alarm of alarms()) expect(alarm.AlarmDescription).toContain('docs/operations.md');
    appTemplate.hasResourceProperties('AWS::SNS::Topic', { DisplayName: 'Timepoint alarms', KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OperationsKey'), 'Arn'] } });
    appTemplate.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic }],
      PolicyDocument: Match.objectLike({ Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) }),
    });
    appTemplate.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@trial.example', TopicArn: { Ref: topic } });
    quietTemplate.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 0);
    expect(Object.keys(quietTemplate.findResources('AWS::CloudWatch::Alarm'))).toHaveLength(14);
  });

  it('encrypts every log group (function logs and API access logs) with the operations key', () => {
    const groups = Object.values(appTemplate.findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(6);
    for (const group of groups) expect(target(group.Properties.KmsKeyId)).toMatch(/^OperationsKey/);
  });

  it('versions both buckets', () => {
    appTemplate.allResourcesProperties('AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } });
  });
});

describe('cdk-nag', () => {
  it('reports no unacknowledged AwsSolutions or HIPAA Security finding', () => {
    const packs = nagPacks();
    expect(packs.map((p) => p.readPackName)).toEqual(['AwsSolutions', 'HIPAA.Security']);
    const open = packs.flatMap((pack) =>
      pack.validateScope(app).violations.flatMap((v) =>
        v.violatingResources.filter((r) => !isAcknowledged(app, r.constructPath ?? '', v.ruleName)).map((r) => `${v.ruleName} at ${r.constructPath}`),
      ),
    );
    expect(open).toEqual([]);
  });

  it('acknowledges findings on the offending resources only, each with a reason, and keeps no acknowledgement that matches nothing', () => {
    // Every acknowledgement applyNag made: on which construct, for which rule, with which reason.
    const made = app.node.findAll().flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === 'aws:cdk:acknowledged-rules')
        .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([key, reason]) => ({ scope: c, path: c.node.path, rule: key.replace(/^annotation::/i, ''), reason }))),
    );
    expect(made.length).toBeGreaterThan(0);
    // Never on the app or a stack, where it would cover every resource beneath; only on a resource (or its L2 wrapper's resource).
    for (const ack of made) expect(ack.scope === app || ack.scope instanceof Stack, ack.path).toBe(false);
    for (const ack of made) {
      const entry = acceptedFindings.find((f) => f.rule.test(ack.rule) && f.path.test(ack.path));
      expect(entry?.reason, `${ack.rule} at ${ack.path}`).toBe(ack.reason);
    }
    // No entry that acknowledges nothing (a stale one would silently cover the next resource it happens to match).
    const stale = acceptedFindings.filter((f) => !made.some((ack) => f.rule.test(ack.rule) && f.path.test(ack.path))).map((f) => `${f.rule} at ${f.path}`);
    expect(stale).toEqual([]);
    for (const finding of acceptedFindings) expect(finding.reason.length).toBeGreaterThan(60);
    // HIPAA findings are acknowledged resource by resource: at most the four functions and CDK's deployment helper share one.
    const hipaaPaths = new Set(made.filter((a) => a.rule.startsWith('HIPAA')).map((a) => a.path));
    expect([...hipaaPaths].every((path) => /\/(Api|Participant|Export|Dispatcher|Feedback)\/Function\/|\/Custom::CDKBucketDeployment|\/(Site|AccessLogs|OriginSecret)\/Resource$/.test(path))).toBe(true);
  });

  it.each([
    ['waf=false', { waf: 'none' } as SynthOptions, { withoutWaf: true } as NagOptions, optOutFindings.withoutWaf],
    ['reservedConcurrency=false', { reservedConcurrency: false } as SynthOptions, { withoutReservedConcurrency: true } as NagOptions, optOutFindings.withoutReservedConcurrency],
  ])('with %s, reports no unacknowledged finding, and the opt-out\'s own acknowledgements are used there (and only there)', (_name, options, nagOptions, entries) => {
    const opted = synthStacks(options);
    const open = nagPacks().flatMap((pack) =>
      pack.validateScope(opted.app).violations.flatMap((v) =>
        v.violatingResources.filter((r) => !isAcknowledged(opted.app, r.constructPath ?? '', v.ruleName)).map((r) => `${v.ruleName} at ${r.constructPath}`),
      ),
    );
    expect(open).toEqual([]);
    for (const entry of entries) expect(acknowledgementsIn(opted.app).some((ack) => entry.rule.test(ack.rule) && entry.path.test(ack.path)), `${entry.rule}`).toBe(true);
    // In the default deployment the opt-out entries acknowledge nothing: they cannot cover anything there.
    for (const entry of entries) expect(acknowledgementsIn(app).some((ack) => entry.rule.test(ack.rule) && entry.path.test(ack.path)), `${entry.rule}`).toBe(false);
    expect(acceptedFindingsFor(nagOptions)).toEqual([...acceptedFindings, ...entries]);
  });

  it('has no error annotations', () => {
    for (const stack of app.node.children.filter((c): c is Stack => c instanceof Stack)) {
      expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    }
  });
});

/** Every acknowledgement applyNag made in an app: on which construct, for which rule, with which reason. */
function acknowledgementsIn(root: App) {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === 'aws:cdk:acknowledged-rules')
      .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([key, reason]) => ({ scope: c, path: c.node.path, rule: key.replace(/^annotation::/i, ''), reason }))),
  );
}

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
