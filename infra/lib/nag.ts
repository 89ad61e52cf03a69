import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
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
    reason: 'WAF comes with the hardening work (issue 7); until then the HTTP API stage is throttled (100 rps, burst 200).',
  },
  {
    rule: /^AwsSolutions-CFR4$/,
    path: /\/Site Distribution\//,
    reason: 'The default *.cloudfront.net certificate cannot pin TLS 1.2; a custom domain with its own certificate can.',
  },
  {
    rule: /^AwsSolutions-S1$/,
    path: /\/AccessLogs\//,
    reason: 'This is the access-log bucket; logging its own access would recurse.',
  },
];

/**
 * Runs cdk-nag's AwsSolutions pack on every synth, after acknowledging on each offending
 * construct exactly the findings listed in `acceptedFindings`.
 */
export function applyNag(app: App): void {
  const byPath = new Map<string, IConstruct>(app.node.findAll().map((c) => [c.node.path, c]));
  const report = new AwsSolutionsChecks().validateScope(app);
  for (const violation of report.violations) {
    for (const { constructPath = '' } of violation.violatingResources) {
      const accepted = acceptedFindings.find((f) => f.rule.test(violation.ruleName) && f.path.test(constructPath));
      const construct = byPath.get(constructPath);
      if (accepted && construct) Validations.of(construct).acknowledge({ id: violation.ruleName, reason: accepted.reason });
    }
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
