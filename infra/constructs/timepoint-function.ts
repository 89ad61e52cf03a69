import { ArnFormat, AssetHashType, DockerImage, Duration, Stack } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { buildSync, type BuildOptions } from 'esbuild';
import { join } from 'node:path';
import type { TableDefinition } from '../../functions/adapters/dynamodb/table-definitions';

/** What the application calls, and nothing more (no Scan, no table management). */
const tableActions = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'],
  readWrite: [
    'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable',
    'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem',
  ],
};
/** What DynamoDB needs of a customer-managed table key on the caller's behalf, spelled out instead of wildcards. */
const keyActions = {
  read: ['kms:Decrypt', 'kms:DescribeKey'],
  readWrite: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
};

const root = join(import.meta.dirname, '..', '..');

export interface TimepointFunctionProps {
  /** The handler module, relative to the repository root (e.g. functions/entrypoints/api-lambda.ts). */
  entry: string;
  /** @default 512 */
  memorySize?: number;
  /** @default 30 seconds */
  timeout?: Duration;
  /** Extra environment variables; table names arrive through `bindTable`. */
  environment?: Record<string, string>;
  /** esbuild option overrides, for tests. */
  bundling?: Partial<BuildOptions>;
  /**
   * Customer-managed key for the function's log group. Logs can hold participant codes and
   * (redacted) provider errors, so they are not left on the CloudWatch default key.
   */
  logKey: IKey;
  /**
   * Where asynchronous invocations that still fail after Lambda's two retries are kept
   * (scheduled and SNS-triggered functions). Unset for the API, which is invoked synchronously:
   * its caller sees the failure.
   */
  deadLetterQueue?: IQueue;
  /** Concurrent executions reserved for (and capping) the function; unset, it draws on the account's unreserved pool. */
  reservedConcurrency?: number;
  /**
   * Ship a source map and run with `--enable-source-maps`, so stack traces name source files and
   * lines. Off by default: Node then reads and parses the whole map (several MiB) on every cold
   * start, which a participant waits for (bench/README.md#cold-start). Without it, stack traces
   * still name the bundle's functions (`keepNames`). Context `sourceMaps=true` turns it on.
   * @default false
   */
  sourceMaps?: boolean;
}

/**
 * How every function is bundled: ESM for Node 22, minified with function names kept, the AWS SDK
 * bundled (the runtime's own lags behind ours; the tests ran against this one), and split: what
 * the code imports dynamically (survey-core for a submission, the PDF library for a consent copy,
 * the SDK's rarely used credential providers) goes to chunks of its own, which Node compiles only
 * when they are first imported, instead of into index.mjs, which it compiles at every cold start.
 */
export const bundleOptions = (entry: string, outdir: string, sourceMaps: boolean): BuildOptions => ({
  entryPoints: { index: join(root, entry) },
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  mainFields: ['module', 'main'],
  minify: true,
  keepNames: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  sourcemap: sourceMaps,
  // CommonJS dependencies (luxon …) call require(); ESM output needs it defined, in every chunk.
  banner: { js: "import { createRequire } from 'module';const require = createRequire(import.meta.url);" },
  logLevel: 'warning',
});

/**
 * A Lambda function with Timepoint's defaults: Node 22 on arm64, an ESM bundle split into chunks,
 * built by the local esbuild (never Docker) as the stack is synthesized (bundleOptions), function
 * names kept (source maps only on request), X-Ray, and a log group with bounded retention.
 */
export class TimepointFunction extends Construct {
  readonly fn: LambdaFunction;

  constructor(scope: Construct, id: string, props: TimepointFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.THREE_MONTHS, encryptionKey: props.logKey });
    const sourceMaps = props.sourceMaps ?? false;
    this.fn = new LambdaFunction(this, 'Function', {
      // The asset is what esbuild wrote (hashed by its output); the repository is only where it reads from.
      code: Code.fromAsset(root, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never pulled: bundling is always local (tryBundle below succeeds or throws).
          image: DockerImage.fromRegistry('dummy'),
          // Never run either; it describes the build, so that CDK's asset cache (keyed by these
          // options, not by the function in `local`) tells one function's bundle from another's.
          command: ['esbuild', JSON.stringify({ entry: props.entry, sourceMaps, ...props.bundling })],
          local: {
            tryBundle: (outputDir) => {
              buildSync({ ...bundleOptions(props.entry, outputDir, sourceMaps), ...props.bundling });
              return true;
            },
          },
        },
      }),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: Tracing.ACTIVE,
      logGroup,
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      environment: {
        ...(sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...props.environment,
      },
    });
  }

  /**
   * Passes a table's name in `envVar` and grants exactly the access asked for: the named
   * actions on the table and on each of its indexes by name, and the matching use of its key.
   */
  bindTable(table: TableV2, definition: TableDefinition, envVar: string, access: 'read' | 'readWrite'): this {
    this.fn.addEnvironment(envVar, table.tableName);
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: tableActions[access],
        resources: [table.tableArn, ...definition.indexes.map((index) => `${table.tableArn}/index/${index.name}`)],
      }),
    );
    table.encryptionKey?.grant(this.fn, ...keyActions[access]);
    return this;
  }

  /**
   * Passes the allocation key in TIMEPOINT_ALLOCATION_KMS_KEY and lets the function seal and open
   * allocation state with data keys of it, only for that purpose (the encryption context says so).
   */
  useAllocationKey(key: IKey): this {
    this.fn.addEnvironment('TIMEPOINT_ALLOCATION_KMS_KEY', key.keyArn);
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:EncryptionContext:purpose': 'allocation' } },
      }),
    );
    return this;
  }

  /**
   * Lets CloudWatch Logs in this stack's account and region use `key` for log groups (and nothing
   * else: the encryption context must name a log group of this account). Call once per key.
   */
  static allowLogsToUse(key: IKey): void {
    const stack = Stack.of(key);
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) } },
      }),
    );
  }

  /** The stack-relative ARN pattern of an SES resource, for grants. */
  static sesArn(scope: Construct, resource: string): string {
    return Stack.of(scope).formatArn({ service: 'ses', resource });
  }
}
