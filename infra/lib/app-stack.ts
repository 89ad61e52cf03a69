import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, type CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { FunctionUrlOrigin, HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { FunctionUrlAuthType, InvokeMode } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { exportViewerRequestFunctionCode, ORIGIN_SECRET_HEADER, viewerAddressFunctionCode } from '../../functions/http/edge-headers';
import { cacheControlFor, pageContentSecurityPolicy, pageHeaders } from '../../functions/http/page-headers';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import { ConfigurationSet, ConfigurationSetEventDestination, EmailIdentity, EmailSendingEvent, EventDestination, Identity } from 'aws-cdk-lib/aws-ses';
import { ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { contactsTable, researchTable } from '../../functions/adapters/dynamodb/table-definitions';
import { Operations } from '../constructs/operations';
import { TimepointFunction, type TimepointFunctionProps } from '../constructs/timepoint-function';

export interface AppStackProps extends StackProps {
  research: TableV2;
  contacts: TableV2;
  /** The KMS key that seals allocation sequences (StatefulStack.allocationKey). */
  allocationKey: IKey;
  /** The domain participant emails are sent from (an SES domain identity is created for it). */
  senderDomain: string;
  /** From address of staff sign-in emails; must be in `senderDomain`. */
  systemSender: string;
  /** Folder of the built web app (vite output). */
  webAssets: string;
  /** The SES account's sending quota in emails per second (1 in the SES sandbox). */
  maxSendRate: number;
  /** Bundling overrides, for tests. */
  bundling?: TimepointFunctionProps['bundling'];
  /** Source maps in every function (context `sourceMaps=true`); see TimepointFunctionProps.sourceMaps. @default false */
  sourceMaps?: boolean;
  /** Email address subscribed to the alarm topic (context `alarmEmail`); unset, no subscription is made. */
  alarmEmail?: string;
  /**
   * The WAF web ACL on the distribution: the EdgeStack's (us-east-1, through a cross-region
   * reference), or one the account manages centrally (context `webAclArn`). Unset (context
   * `waf=false`), the distribution has none of ours: request logging and per-client limits at the
   * edge are then the central WAF's (docs/operations.md).
   */
  webAclArn?: string;
  /**
   * Reserved concurrency of the four functions, so that a flood of one cannot take the account's
   * whole concurrency (and cannot grow past it): `false` (context `reservedConcurrency=false`) for
   * accounts at AWS's starting limit of 10, where any reservation fails the deploy.
   * @default { api: 50, participant: 50, dispatcher: 1, feedback: 5 }
   */
  reservedConcurrency?: ReservedConcurrency | false;
  /**
   * Bump (context `originSecretRotation`) after putting a new origin secret, so that CloudFront
   * and the API Lambda pick it up in the same deploy (docs/operations.md).
   * @default 0
   */
  originSecretRotation?: number;
}

/** Concurrent executions reserved for each function. */
export interface ReservedConcurrency {
  /** The staff API: about 500 requests a second at ~100 ms each, above the stage throttle (100/s, burst 200). */
  api: number;
  /**
   * The participant routes' Lambda: the same sizing as the staff API (the stage throttle is shared),
   * and apart from it, so a flood of staff exports cannot keep participants from submitting, nor the reverse.
   */
  participant: number;
  /** One dispatcher pass at a time: a pass that overran its minute would otherwise overlap the next. */
  dispatcher: number;
  /** SES feedback arrives at the send rate; throttled SNS deliveries are retried. */
  feedback: number;
  /**
   * Exports streaming at once: a handful of analysts, each export minutes at most. A cap keeps a
   * flood of exports (each reading a whole study) from taking the account's concurrency.
   */
  export: number;
}

/** The API paths served by the participant Lambda, each with everything under it: links, unsubscribe, self-enrolment. */
export const PARTICIPANT_PATHS = ['/api/p', '/api/u', '/api/join'] as const;

/** CloudFront's path pattern for the export function: the one route it serves (functions/http/export-app.ts). */
export const EXPORT_PATH_PATTERN = '/api/studies/*/export';

/** The export function's V8 old-space bound, in MB (of its 512 MB). */
export const EXPORT_HEAP_MB = 128;

/** The export function's TIMEPOINT_BASE_URL: `.invalid` never resolves (RFC 6761), and it builds no links. */
export const EXPORT_FUNCTION_BASE_URL = 'https://export-function.invalid';

export const defaultReservedConcurrency: ReservedConcurrency = { api: 50, participant: 50, dispatcher: 1, feedback: 5, export: 5 };

/**
 * Everything stateless: the staff API Lambda (the Hono app) behind an HTTP API's $default stage,
 * the participant Lambda behind its /api/p, /api/u and /api/join routes, the dispatcher Lambda on a one-minute schedule, the web app on S3 behind CloudFront (which
 * also fronts the API under /api/*, so the site is one origin), and the SES configuration.
 */
export class AppStack extends Stack {
  readonly api: TimepointFunction;
  /** Serves participant links, unsubscribe and self-enrolment (functions/entrypoints/participant-lambda.ts). */
  readonly participant: TimepointFunction;
  /** Streams exports (a function URL behind CloudFront): no 6 MB cap, flat memory. */
  readonly exporter: TimepointFunction;
  readonly dispatcher: TimepointFunction;
  readonly feedback: TimepointFunction;
  readonly distribution: Distribution;
  readonly originSecret: Secret;

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id, props);

    // ---- Operations: one key for logs, dead letters, alarms, SES feedback and the origin secret; the alarm topic ----
    const operationsKey = new Key(this, 'OperationsKey', {
      description: 'Timepoint logs, dead-letter queues, alarm notifications, SES feedback events and the CloudFront origin secret',
      enableKeyRotation: true,
    });
    TimepointFunction.allowLogsToUse(operationsKey);
    const operations = new Operations(this, 'Operations', { key: operationsKey, ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}) });
    const functionDefaults = { logKey: operationsKey, sourceMaps: props.sourceMaps ?? false, ...(props.bundling ? { bundling: props.bundling } : {}) };

    // ---- Email ----
    const identity = new EmailIdentity(this, 'SenderIdentity', { identity: Identity.domain(props.senderDomain) });
    const configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {});

    // ---- Web hosting ----
    // The site bucket's S3 access logs (requests CloudFront makes for pages and assets: the
    // participant page is fetched as /participant.html, never under a link's URL).
    const logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // S3 server access logging delivers under a bucket policy: no ACLs needed.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Versioned so a log can't be silently overwritten or deleted; old versions go with the log.
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const site = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'site/',
      // Versioned so a bad deploy can be rolled back object by object.
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });

    // ---- API ----
    const reserved = props.reservedConcurrency === false ? undefined : (props.reservedConcurrency ?? defaultReservedConcurrency);
    // The secret CloudFront adds to every request it forwards to the API: generated by Secrets
    // Manager, and written into the distribution and the API function by CloudFormation at deploy
    // time (dynamic references), never into the template or the code. The API serves no request
    // without it, so the public execute-api address is useless on its own.
    this.originSecret = new Secret(this, 'OriginSecret', {
      description: 'Timepoint: the header value CloudFront adds to API requests (docs/security.md)',
      encryptionKey: operationsKey,
      // `previous` holds a placeholder that never matches (functions/http/front-door.ts) until a rotation puts the old value there.
      generateSecretString: { secretStringTemplate: JSON.stringify({ previous: 'none' }), generateStringKey: 'current', passwordLength: 48, excludePunctuation: true },
    });
    const originSecret = (field: 'current' | 'previous') => this.originSecret.secretValueFromJson(field).unsafeUnwrap();
    const rotation = String(props.originSecretRotation ?? 0);
    const sharedEnv = { TIMEPOINT_SYSTEM_SENDER: props.systemSender, SES_CONFIGURATION_SET: configurationSet.configurationSetName };
    // The two HTTP functions: the staff API and the participant routes, each refusing requests without the origin secret.
    const httpFunction = (id: string, entry: string, reservedConcurrency: number | undefined) =>
      new TimepointFunction(this, id, {
        entry,
        memorySize: 1024,
        environment: {
          ...sharedEnv,
          TIMEPOINT_ORIGIN_SECRET: originSecret('current'),
          TIMEPOINT_ORIGIN_SECRET_PREVIOUS: originSecret('previous'),
          TIMEPOINT_ORIGIN_SECRET_ROTATION: rotation,
        },
        ...(reservedConcurrency !== undefined ? { reservedConcurrency } : {}),
        ...functionDefaults,
      })
        .bindTable(props.research, researchTable, 'RESEARCH_TABLE', 'readWrite')
        .bindTable(props.contacts, contactsTable, 'CONTACTS_TABLE', 'readWrite');
    this.api = httpFunction('Api', 'functions/entrypoints/api-lambda.ts', reserved?.api);
    // Participants open and submit links, unsubscribe, and self-enrol (which stores the address and
    // the consent in contacts, and allocates): read-write on both tables, sending, and the allocation key.
    this.participant = httpFunction('Participant', 'functions/entrypoints/participant-lambda.ts', reserved?.participant);
    // Allocation seals and opens its state with data keys of its own KMS key, only for that purpose:
    // staff allocate at enrolment, participants when they self-enrol.
    this.api.useAllocationKey(props.allocationKey);
    this.participant.useAllocationKey(props.allocationKey);

    // Exports stream from a function of their own (docs/exports.md): API Gateway and a buffered
    // Lambda response cap a body at 6 MB, and buffering holds the whole file in memory. Response
    // streaming needs a function URL; only CloudFront may invoke it (IAM auth, signed by origin
    // access control), and the app still refuses requests without the origin secret. It reads the
    // research table and appends the export's audit entry there; it is given no access to contacts
    // (the export never touches them; the name is only configuration).
    this.exporter = new TimepointFunction(this, 'Export', {
      entry: 'functions/entrypoints/export-lambda.ts',
      memorySize: 512,
      // A large study streams for minutes (past the first 6 MB, Lambda sends about 2 MB/s).
      timeout: Duration.minutes(15),
      environment: {
        ...sharedEnv,
        TIMEPOINT_ORIGIN_SECRET: originSecret('current'),
        TIMEPOINT_ORIGIN_SECRET_PREVIOUS: originSecret('previous'),
        TIMEPOINT_ORIGIN_SECRET_ROTATION: rotation,
        // An export builds no links, and the distribution's address would be a dependency cycle
        // (distribution → function URL → function): a reserved name that can never resolve, so a
        // link built here by mistake fails visibly instead of pointing somewhere.
        TIMEPOINT_BASE_URL: EXPORT_FUNCTION_BASE_URL,
        // V8 sizes its heap from the machine's memory, not the function's: a heap bound well inside the
        // 512 MB makes it collect instead of growing. A streamed export holds one page and one
        // participant, so a study that outgrew this would fail loudly rather than slowly (bench/README.md#export-memory).
        NODE_OPTIONS: [...(functionDefaults.sourceMaps ? ['--enable-source-maps'] : []), `--max-old-space-size=${EXPORT_HEAP_MB}`].join(' '),
      },
      ...(reserved ? { reservedConcurrency: reserved.export } : {}),
      ...functionDefaults,
    }).bindTable(props.research, researchTable, 'RESEARCH_TABLE', 'readWrite');
    this.exporter.fn.addEnvironment('CONTACTS_TABLE', props.contacts.tableName);
    const exportUrl = this.exporter.fn.addFunctionUrl({ authType: FunctionUrlAuthType.AWS_IAM, invokeMode: InvokeMode.RESPONSE_STREAM });

    // Access logs hold client IP addresses: the same key as the function logs.
    const apiAccessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.THREE_MONTHS, encryptionKey: operationsKey });
    const httpApi = new HttpApi(this, 'HttpApi', {
      defaultIntegration: new HttpLambdaIntegration('AppIntegration', this.api.fn),
      createDefaultStage: true,
    });
    // Participant paths go to their own lean Lambda; everything else ($default) to the staff API.
    // Routing here rather than in CloudFront keeps one origin, so the origin secret, the viewer
    // address, the WAF and the Host check apply to both exactly as before (docs/security.md).
    const participantIntegration = new HttpLambdaIntegration('ParticipantIntegration', this.participant.fn);
    for (const prefix of PARTICIPANT_PATHS) {
      httpApi.addRoutes({ path: prefix, methods: [HttpMethod.ANY], integration: participantIntegration });
      httpApi.addRoutes({ path: `${prefix}/{proxy+}`, methods: [HttpMethod.ANY], integration: participantIntegration });
    }
    const stage = httpApi.defaultStage!.node.defaultChild as CfnStage;
    stage.accessLogSettings = {
      destinationArn: apiAccessLogs.logGroupArn,
      format: JSON.stringify({ requestId: '$context.requestId', ip: '$context.identity.sourceIp', method: '$context.httpMethod', path: '$context.routeKey', status: '$context.status', latency: '$context.responseLatency' }),
    };
    // The API's own rate limit, on top of the WAF's per-client one. It applies to every request,
    // through CloudFront or straight to the execute-api URL (which the WAF does not see, and which
    // the app refuses for want of the origin secret).
    stage.defaultRouteSettings = { throttlingBurstLimit: 200, throttlingRateLimit: 100 };

    // ---- CloudFront: the web app, and /api/* passed to the HTTP API ----
    const spaRouting = new CloudFrontFunction(this, 'SpaRouting', {
      code: FunctionCode.fromInline(
        // Participant, unsubscribe and self-enrolment links, and staff previews, get the lean participant page; other app routes the console.
        "function handler(event){var r=event.request;var u=r.uri;if(u.indexOf('/p/')===0||u.indexOf('/u/')===0||u.indexOf('/join/')===0||u.indexOf('/preview/')===0){r.uri='/participant.html';}else if(u.indexOf('.')===-1){r.uri='/index.html';}return r;}",
      ),
    });
    // The same page headers as the local server (functions/http/page-headers.ts).
    const pagePolicy = new ResponseHeadersPolicy(this, 'PageHeaders', {
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: pageContentSecurityPolicy, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
      customHeadersBehavior: {
        customHeaders: ['Cross-Origin-Opener-Policy', 'Permissions-Policy'].map((header) => ({ header, value: pageHeaders[header]!, override: true })),
      },
    });
    // The viewer's address, from the connection CloudFront accepted, in a header the API trusts
    // (it overwrites any value the client sent; X-Forwarded-For is never read).
    const viewerAddress = new CloudFrontFunction(this, 'ViewerAddress', { code: FunctionCode.fromInline(viewerAddressFunctionCode) });
    // The same for exports, which also moves the viewer's Authorization (a staff bearer token) aside:
    // origin access control signs the request to the function URL in that header.
    const exportViewerRequest = new CloudFrontFunction(this, 'ExportViewerRequest', { code: FunctionCode.fromInline(exportViewerRequestFunctionCode) });
    this.distribution = new Distribution(this, 'Site Distribution', {
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      // No CloudFront standard logs: they record every URL path (a link emailed in the older
      // form, the one-click unsubscribe URL), which no setting can leave out. The site's request
      // log is the WAF's, with the path, query and credentials redacted (infra/lib/edge-stack.ts).
      enableLogging: false,
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(site),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: pagePolicy,
        functionAssociations: [{ function: spaRouting, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        // Before /api/* (CloudFront takes the first pattern that matches): exports, streamed.
        [EXPORT_PATH_PATTERN]: {
          origin: FunctionUrlOrigin.withOriginAccessControl(exportUrl, {
            customHeaders: { [ORIGIN_SECRET_HEADER]: originSecret('current'), 'x-timepoint-origin-rotation': rotation },
            // Between two chunks of a streamed export (the first waits for the study's first page).
            readTimeout: Duration.seconds(60),
          }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          functionAssociations: [{ function: exportViewerRequest, eventType: FunctionEventType.VIEWER_REQUEST }],
        },
        '/api/*': {
          origin: new HttpOrigin(`${httpApi.apiId}.execute-api.${this.region}.${this.urlSuffix}`, {
            // The rotation counter changes the distribution whenever the secret is rotated, so CloudFormation resolves the new value.
            customHeaders: { [ORIGIN_SECRET_HEADER]: originSecret('current'), 'x-timepoint-origin-rotation': rotation },
          }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          functionAssociations: [{ function: viewerAddress, eventType: FunctionEventType.VIEWER_REQUEST }],
        },
      },
    });
    const baseUrl = `https://${this.distribution.distributionDomainName}`;
    this.api.fn.addEnvironment('TIMEPOINT_BASE_URL', baseUrl);
    this.participant.fn.addEnvironment('TIMEPOINT_BASE_URL', baseUrl);

    // Hashed assets are cached for a year; pages are always revalidated (so a deploy shows at once).
    new BucketDeployment(this, 'DeployAssets', {
      sources: [Source.asset(props.webAssets, { exclude: ['*.html'] })],
      destinationBucket: site,
      cacheControl: [CacheControl.fromString(cacheControlFor('/assets/x'))],
      prune: false,
    });
    new BucketDeployment(this, 'DeployPages', {
      sources: [Source.asset(props.webAssets, { exclude: ['assets/*'] })],
      destinationBucket: site,
      cacheControl: [CacheControl.fromString(cacheControlFor('/index.html'))],
      prune: false,
      distribution: this.distribution,
      distributionPaths: ['/*'],
    });

    // ---- Dispatcher ----
    // A pass that fails (after Lambda's two async retries), or that EventBridge could not deliver,
    // is kept here. Losing one is harmless (the next minute's pass picks up the same due work), but
    // a pass that keeps failing must be seen.
    const dispatcherDeadLetters = operations.deadLetterQueue('DispatcherDeadLetters', 'A scheduled dispatcher pass');
    operationsKey.grant(new ServicePrincipal('events.amazonaws.com'), 'kms:GenerateDataKey*', 'kms:Decrypt');
    this.dispatcher = new TimepointFunction(this, 'Dispatcher', {
      entry: 'functions/entrypoints/dispatcher-lambda.ts',
      memorySize: 512,
      timeout: Duration.seconds(55),
      environment: { ...sharedEnv, TIMEPOINT_BASE_URL: baseUrl, TIMEPOINT_MAX_SEND_RATE: String(props.maxSendRate) },
      deadLetterQueue: dispatcherDeadLetters,
      ...(reserved ? { reservedConcurrency: reserved.dispatcher } : {}),
      ...functionDefaults,
    })
      .bindTable(props.research, researchTable, 'RESEARCH_TABLE', 'readWrite')
      // Writes too: its pass enrols import jobs' rows (email reservations, contacts, the jobs' chunks of rows).
      .bindTable(props.contacts, contactsTable, 'CONTACTS_TABLE', 'readWrite');
    // An import job's rows that leave the arm empty, in a study that randomises, are allocated by the pass that enrols them.
    this.dispatcher.useAllocationKey(props.allocationKey);
    // One pass at a time: overlapping passes would be safe (claims), but wasteful.
    new Rule(this, 'EveryMinute', {
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.dispatcher.fn, { retryAttempts: 0, deadLetterQueue: dispatcherDeadLetters })],
    });

    // ---- Delivery feedback: SES events → SNS → Lambda → the message ledger ----
    // On the operations key: the same events (recipients' addresses) are parked, encrypted with it,
    // in the feedback dead-letter queue below, so a key of the topic's own separated nothing and
    // cost $1 a month ($3 from its second rotation; docs/cost.md).
    const feedbackTopic = new Topic(this, 'SesFeedback', { masterKey: operationsKey, enforceSSL: true });
    // SES publishes to the encrypted topic, so it must be able to use the key (the grant AWS documents
    // for a service publishing to an encrypted topic, as the topic's own key had).
    operationsKey.grant(new ServicePrincipal('ses.amazonaws.com'), 'kms:GenerateDataKey*', 'kms:Decrypt');
    new ConfigurationSetEventDestination(this, 'FeedbackEvents', {
      configurationSet,
      destination: EventDestination.snsTopic(feedbackTopic),
      events: [EmailSendingEvent.DELIVERY, EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });
    // A bounce or complaint that is never recorded means reminders keep going to that address:
    // events the function fails on (or SNS cannot deliver) are kept for redrive.
    const feedbackDeadLetters = operations.deadLetterQueue('FeedbackDeadLetters', 'An SES delivery, bounce or complaint event');
    operationsKey.grant(new ServicePrincipal('sns.amazonaws.com'), 'kms:GenerateDataKey*', 'kms:Decrypt');
    this.feedback = new TimepointFunction(this, 'Feedback', {
      entry: 'functions/entrypoints/ses-feedback-lambda.ts',
      memorySize: 256,
      environment: { ...sharedEnv, TIMEPOINT_BASE_URL: baseUrl },
      deadLetterQueue: feedbackDeadLetters,
      ...(reserved ? { reservedConcurrency: reserved.feedback } : {}),
      ...functionDefaults,
    })
      .bindTable(props.research, researchTable, 'RESEARCH_TABLE', 'readWrite')
      .bindTable(props.contacts, contactsTable, 'CONTACTS_TABLE', 'readWrite');
    feedbackTopic.addSubscription(new LambdaSubscription(this.feedback.fn, { deadLetterQueue: feedbackDeadLetters }));

    // ---- Alarms (what each means and what to do: docs/operations.md) ----
    operations.functionAlarms('Api', this.api.fn, 'API');
    operations.functionAlarms('Participant', this.participant.fn, 'participant API');
    operations.functionAlarms('Dispatcher', this.dispatcher.fn, 'dispatcher');
    operations.functionAlarms('Feedback', this.feedback.fn, 'SES feedback');
    // No alarms of the export function's own: an export is interactive, so its failure is seen at once by
    // the analyst who asked for it (a failed download) and logged, and two more alarms would cost more a
    // month than every export of a study (docs/cost.md).
    // Scheduled every minute: fewer than one invocation in 10 minutes means the schedule is off
    // (rule disabled, function deleted) and no email goes out. No data at all is the same thing.
    operations.alarm('DispatcherNotRunning', this.dispatcher.fn.metricInvocations({ period: Duration.minutes(10), statistic: 'Sum' }), {
      description: 'The dispatcher has not run for 10 minutes: no invitations, reminders or safety alerts are being sent (docs/operations.md).',
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
    });
    operations.alarm('Api5xx', httpApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }), {
      description: 'The API answered 5xx: a server fault seen by staff or participants (docs/operations.md).',
      threshold: 1,
    });
    // SES reviews an account at a 5% bounce rate or a 0.1% complaint rate and may pause sending
    // beyond; these alarm at four fifths of each, while there is time to act. Account-wide metrics,
    // published by SES only once there is sending history.
    const reputation = (metricName: string) => new Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: 'Maximum' });
    operations.alarm('SesBounceRate', reputation('Reputation.BounceRate'), {
      description: 'The SES bounce rate is 4% or more (SES reviews the account at 5%): check enrolment addresses (docs/operations.md).',
      threshold: 0.04,
    });
    operations.alarm('SesComplaintRate', reputation('Reputation.ComplaintRate'), {
      description: 'The SES complaint rate is 0.08% or more (SES reviews the account at 0.1%) (docs/operations.md).',
      threshold: 0.0008,
    });

    // ---- Sending rights: the sender identity and the configuration set, nothing else ----
    for (const fn of [this.api.fn, this.participant.fn, this.dispatcher.fn]) {
      identity.grantSendEmail(fn);
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['ses:SendEmail', 'ses:SendRawEmail'],
          resources: [TimepointFunction.sesArn(this, `configuration-set/${configurationSet.configurationSetName}`)],
        }),
      );
    }

    new CfnOutput(this, 'Url', { value: baseUrl, description: 'The site: staff console, participant links and API' });
    new CfnOutput(this, 'SenderDomain', { value: props.senderDomain, description: 'Verify this domain in SES (DKIM records) before sending' });
  }
}
