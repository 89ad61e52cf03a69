import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * Findings we accept, each with its reason. A pattern matches a finding id (with its
 * `[detail]`) and a construct path, so an acknowledgement can't silently cover anything else:
 * a new wildcard or a new resource still fails the synth.
 */
export const acceptedFindings: Array<{ rule: RegExp; path: RegExp; reason: string }> = [
  {
    rule: /^AwsSolutions-IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole\]$/,
    path: /\/(Api|Participant|Export|Dispatcher|Feedback)\/Function\/ServiceRole\/|\/Custom::CDKBucketDeployment/,
    reason: 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs.',
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::\*\]$/,
    path: /\/(Api|Participant|Export|Dispatcher|Feedback)\/Function\/ServiceRole\/DefaultPolicy\//,
    reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.',
  },
  {
    rule: /^AwsSolutions-IAM5\[(Action::s3:[A-Za-z]+\*|Resource::.*)\]$/,
    path: /\/Custom::CDKBucketDeployment[^/]*\/ServiceRole\/DefaultPolicy\//,
    reason: "CDK's own BucketDeployment helper copies the web build from the CDK asset bucket into the site bucket.",
  },
  {
    rule: /^AwsSolutions-L1$/,
    path: /\/(Api|Participant|Export|Dispatcher|Feedback)\/Function\/Resource$|\/Custom::CDKBucketDeployment/,
    reason: 'Runtime pinned deliberately (nodejs22.x, the version CI bundles for); upgraded in a tested release, not silently.',
  },
  {
    rule: /^AwsSolutions-APIG4$/,
    path: /\/HttpApi\//,
    reason: 'Authorisation is in the application: staff routes check a server-side session; participant routes are authorised by a 256-bit link token. An API Gateway authoriser would duplicate both.',
  },
  {
    rule: /^AwsSolutions-CFR1$/,
    path: /\/Site Distribution\//,
    reason: 'Participants may live anywhere: a trial cannot geo-restrict its own participants.',
  },
  {
    rule: /^AwsSolutions-CFR3$/,
    path: /\/Site Distribution\//,
    reason:
      "CloudFront standard logs are off on purpose: they record every URL path, and a participant link emailed in the older form (/p/<token>) or the RFC 8058 one-click unsubscribe URL carries a token there, which no log field selection can leave out. The site's request log is the WAF web ACL's (infra/lib/edge-stack.ts), with the URL path, query string and credential headers redacted.",
  },
  {
    rule: /^(AwsSolutions-SMG4|HIPAA\.Security-SecretsManagerRotationEnabled)$/,
    path: /\/OriginSecret\/Resource$/,
    reason:
      'The origin secret is copied into the CloudFront distribution at deploy time, so a rotation must be followed by a deploy; an automatic rotation would lock CloudFront out of the API until then. It is rotated by hand with a two-value overlap (docs/operations.md, "Rotating the origin secret"), and it only proves that a request came through CloudFront: every request still needs its own session or link token.',
  },
  {
    rule: /^AwsSolutions-CFR4$/,
    path: /\/Site Distribution\//,
    reason: 'The default *.cloudfront.net certificate cannot pin TLS 1.2; a custom domain with its own certificate can.',
  },
  {
    rule: /^AwsSolutions-IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSBackupServiceRolePolicyForBackup\]$/,
    path: /\/BackupPlan\/Tables\/Role\/Resource$/,
    reason: "AWS Backup's own service policy, maintained by AWS for the actions a backup job takes; attached only to the role of the table backup selection.",
  },
  // ---- HIPAA Security ----
  {
    rule: /^HIPAA\.Security-IAMNoInlinePolicy$/,
    path: /\/(Api|Participant|Export|Dispatcher|Feedback)\/Function\/ServiceRole\/DefaultPolicy\/Resource$|\/Custom::CDKBucketDeployment[^/]*\/ServiceRole\/DefaultPolicy\/Resource$/,
    reason:
      "CDK writes each function's grants as a policy attached to that function's role alone; a managed policy would hold the same statements for one role. Least privilege is checked on the statements themselves (AwsSolutions-IAM5, and test/infra asserts no wildcard actions).",
  },
  {
    rule: /^HIPAA\.Security-LambdaInsideVPC$/,
    path: /\/(Api|Participant|Export|Dispatcher|Feedback)\/Function\/Resource$|\/Custom::CDKBucketDeployment[^/]*\/Resource$/,
    reason:
      'The functions reach only AWS APIs (DynamoDB, SES, S3, KMS, X-Ray) over TLS with IAM-signed requests, and run no network listener; a VPC would add NAT or interface endpoints without a network boundary to protect. Data at rest is under customer-managed keys, access is per-function IAM.',
  },
  {
    rule: /^HIPAA\.Security-LambdaConcurrency$/,
    path: /\/Custom::CDKBucketDeployment[^/]*\/Resource$/,
    reason: "CDK's deployment helper runs only during a deploy (one invocation per asset copy), never on a request path; the application's functions each reserve concurrency.",
  },
  {
    rule: /^HIPAA\.Security-LambdaDLQ$/,
    path: /\/(Api|Participant|Export)\/Function\/Resource$/,
    reason:
      'The staff and participant APIs are invoked synchronously by API Gateway, the export function synchronously by CloudFront through its URL; a dead-letter queue only receives failed asynchronous invocations, so it would stay empty. Failures reach the caller as 5xx (which alarms: Api5xx, ApiErrors, ParticipantErrors) or, for an export, as a failed download the analyst sees at once. The asynchronous functions (dispatcher, feedback) have DLQs.',
  },
  {
    rule: /^HIPAA\.Security-LambdaDLQ$/,
    path: /\/Custom::CDKBucketDeployment[^/]*\/Resource$/,
    reason: "CDK's deployment helper is a CloudFormation custom resource: a failure fails and rolls back the deploy itself, where it is seen.",
  },
  {
    rule: /^HIPAA\.Security-S3BucketReplicationEnabled$/,
    path: /\/(Site|AccessLogs)\/Resource$/,
    reason:
      'Site holds only the public web build, rebuilt from git on every deploy. AccessLogs holds request logs with IP addresses; replicating them to a second region would move personal data out of the region the study chose. Neither holds research data (DynamoDB: PITR and AWS Backup).',
  },
  {
    rule: /^HIPAA\.Security-S3DefaultEncryptionKMS$/,
    path: /\/AccessLogs\/Resource$/,
    reason: 'S3 server access logging delivers only to buckets encrypted with SSE-S3 (SSE-KMS destinations are not supported); the bucket is SSE-S3, private, TLS-only and versioned.',
  },
  {
    rule: /^HIPAA\.Security-S3DefaultEncryptionKMS$/,
    path: /\/Site\/Resource$/,
    reason:
      'The bucket holds only the public web build that CloudFront serves to anyone; a KMS key would guard nothing confidential and add a KMS call to every origin fetch. It is SSE-S3, private (origin access control only) and TLS-only.',
  },
];

/** What a deployment opted out of, with the finding each opt-out brings and why it is accepted. */
export interface NagOptions {
  /** No Timepoint web ACL on the distribution (context `waf=false`, without `webAclArn`). */
  withoutWaf?: boolean;
  /** No reserved concurrency (context `reservedConcurrency=false`). */
  withoutReservedConcurrency?: boolean;
}

/** Findings accepted only when a deployment opted out of the control (each applies to that case alone). */
export const optOutFindings: Record<keyof NagOptions, Array<{ rule: RegExp; path: RegExp; reason: string }>> = {
  withoutWaf: [
    {
      rule: /^AwsSolutions-CFR2$/,
      path: /\/Site Distribution\//,
      reason:
        'Deployed with waf=false for an account whose WAF is managed centrally (e.g. by Firewall Manager), which associates its own web ACL with the distribution. The API stage throttle and the application\'s per-client lockouts still apply (docs/operations.md).',
    },
  ],
  withoutReservedConcurrency: [
    {
      rule: /^HIPAA\.Security-LambdaConcurrency$/,
      path: /\/(Api|Participant|Export|Dispatcher|Feedback)\/Function\/Resource$/,
      reason:
        'Deployed with reservedConcurrency=false for an account at AWS\'s starting concurrency limit of 10, where any reservation fails the deploy (AWS keeps 10 unreserved). The API stage throttle (100 rps, burst 200) still bounds the API; throttles of every function alarm. Raise the account limit and redeploy without the flag.',
    },
  ],
};

/** Every finding accepted for a deployment with these opt-outs. */
export const acceptedFindingsFor = (options: NagOptions = {}) => [
  ...acceptedFindings,
  ...(options.withoutWaf ? optOutFindings.withoutWaf : []),
  ...(options.withoutReservedConcurrency ? optOutFindings.withoutReservedConcurrency : []),
];

/** The rule packs every synth runs: AWS Solutions and HIPAA Security. */
export const nagPacks = () => [new AwsSolutionsChecks(), new HIPAASecurityChecks()];

/**
 * Runs cdk-nag's AwsSolutions and HIPAA Security packs on every synth, after acknowledging on
 * each offending construct exactly the findings listed in `acceptedFindings` (and those of the
 * deployment's opt-outs).
 */
export function applyNag(app: App, options: NagOptions = {}): void {
  const accepted = acceptedFindingsFor(options);
  const byPath = new Map<string, IConstruct>(app.node.findAll().map((c) => [c.node.path, c]));
  for (const pack of nagPacks()) {
    for (const violation of pack.validateScope(app).violations) {
      for (const { constructPath = '' } of violation.violatingResources) {
        const entry = accepted.find((f) => f.rule.test(violation.ruleName) && f.path.test(constructPath));
        const construct = byPath.get(constructPath);
        if (entry && construct) Validations.of(construct).acknowledge({ id: violation.ruleName, reason: entry.reason });
      }
    }
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
}
