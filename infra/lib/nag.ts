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
    path: /\/(Api|Dispatcher|Feedback)\/Function\/ServiceRole\/|\/Custom::CDKBucketDeployment/,
    reason: 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs.',
  },
  {
    rule: /^AwsSolutions-IAM5\[Resource::\*\]$/,
    path: /\/(Api|Dispatcher|Feedback)\/Function\/ServiceRole\/DefaultPolicy\//,
    reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.',
  },
  {
    rule: /^AwsSolutions-IAM5\[(Action::s3:[A-Za-z]+\*|Resource::.*)\]$/,
    path: /\/Custom::CDKBucketDeployment[^/]*\/ServiceRole\/DefaultPolicy\//,
    reason: "CDK's own BucketDeployment helper copies the web build from the CDK asset bucket into the site bucket.",
  },
  {
    rule: /^AwsSolutions-L1$/,
    path: /\/(Api|Dispatcher|Feedback)\/Function\/Resource$|\/Custom::CDKBucketDeployment/,
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
    rule: /^AwsSolutions-CFR2$/,
    path: /\/Site Distribution\//,
    reason:
      'No WAF: HTTP APIs take no regional WebACL, and a CloudFront WebACL must live in us-east-1 (a third stack and cross-region references, which an environment-agnostic synth cannot make); it would also not see requests sent straight to the execute-api URL. The control is the API stage throttle (100 rps, burst 200) on every request, plus per-client lockouts of failed link and sign-in look-ups in the application (docs/operations.md).',
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
    path: /\/(Api|Dispatcher|Feedback)\/Function\/ServiceRole\/DefaultPolicy\/Resource$|\/Custom::CDKBucketDeployment[^/]*\/ServiceRole\/DefaultPolicy\/Resource$/,
    reason:
      "CDK writes each function's grants as a policy attached to that function's role alone; a managed policy would hold the same statements for one role. Least privilege is checked on the statements themselves (AwsSolutions-IAM5, and test/infra asserts no wildcard actions and a read-only dispatcher on contacts).",
  },
  {
    rule: /^HIPAA\.Security-LambdaInsideVPC$/,
    path: /\/(Api|Dispatcher|Feedback)\/Function\/Resource$|\/Custom::CDKBucketDeployment[^/]*\/Resource$/,
    reason:
      'The functions reach only AWS APIs (DynamoDB, SES, S3, KMS, X-Ray) over TLS with IAM-signed requests, and run no network listener; a VPC would add NAT or interface endpoints without a network boundary to protect. Data at rest is under customer-managed keys, access is per-function IAM.',
  },
  {
    rule: /^HIPAA\.Security-LambdaConcurrency$/,
    path: /\/(Api|Dispatcher|Feedback)\/Function\/Resource$|\/Custom::CDKBucketDeployment[^/]*\/Resource$/,
    reason:
      'Reserving concurrency fails the deploy on accounts at the default limit of 10 (AWS keeps 10 unreserved), so it is left to the account. Load is bounded elsewhere: the API by the HTTP API stage throttle (100 rps, burst 200), the dispatcher by its one-minute schedule and claim leases, feedback by the SES send rate, the deployment helper runs only during a deploy. Throttles of all three functions alarm.',
  },
  {
    rule: /^HIPAA\.Security-LambdaDLQ$/,
    path: /\/Api\/Function\/Resource$/,
    reason:
      'The API is invoked synchronously by API Gateway; a dead-letter queue only receives failed asynchronous invocations, so it would stay empty. Failures reach the caller as 5xx, which alarms (Api5xx, ApiErrors). The asynchronous functions (dispatcher, feedback) have DLQs.',
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

/** The rule packs every synth runs: AWS Solutions and HIPAA Security. */
export const nagPacks = () => [new AwsSolutionsChecks(), new HIPAASecurityChecks()];

/**
 * Runs cdk-nag's AwsSolutions and HIPAA Security packs on every synth, after acknowledging on
 * each offending construct exactly the findings listed in `acceptedFindings`.
 */
export function applyNag(app: App): void {
  const byPath = new Map<string, IConstruct>(app.node.findAll().map((c) => [c.node.path, c]));
  for (const pack of nagPacks()) {
    for (const violation of pack.validateScope(app).violations) {
      for (const { constructPath = '' } of violation.violatingResources) {
        const accepted = acceptedFindings.find((f) => f.rule.test(violation.ruleName) && f.path.test(constructPath));
        const construct = byPath.get(constructPath);
        if (accepted && construct) Validations.of(construct).acknowledge({ id: violation.ruleName, reason: accepted.reason });
      }
    }
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
}
