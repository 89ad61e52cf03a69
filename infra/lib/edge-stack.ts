import { Stack, type StackProps } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { secretRequestHeaders } from '../../functions/http/edge-headers';
import { TimepointFunction } from '../constructs/timepoint-function';

export interface EdgeStackProps extends StackProps {
  /** Stack name prefix, for the web ACL and log group names (`timepoint-<stage>`). */
  stage: string;
  /**
   * Requests one client address may make in any 5 minutes, across the whole site, before the
   * web ACL answers 429 for the rest of the window (context `wafRateLimit`).
   * @default 2000
   */
  rateLimit?: number;
}

/** The default per-address limit: a hospital's staff share one address, so it is generous (about 7 requests a second, sustained). */
export const DEFAULT_WAF_RATE_LIMIT = 2000;

/**
 * Request parts the WAF log must never hold: the URL path and query (links emailed before the
 * fragment form, and the RFC 8058 one-click unsubscribe URL, carry a token there), the participant
 * link header, the origin secret, and staff credentials (session cookie, bearer token).
 */
export const redactedRequestParts = {
  uriPath: true,
  queryString: true,
  headers: secretRequestHeaders,
} as const;

/**
 * What has to live in us-east-1 because CloudFront is global: the web ACL on the distribution (a
 * CLOUDFRONT-scope ACL can only be created there) and its request log. The app stack, in the
 * study's own region, attaches the ACL to the distribution through a cross-region reference.
 *
 * The ACL allows everything except a client address that exceeds `rateLimit` requests in 5
 * minutes (429 with Retry-After). Its log is the site's request log (CloudFront's own standard
 * logs are off: they cannot leave out the URL path) and leaves out every token-bearing part.
 */
export class EdgeStack extends Stack {
  readonly webAcl: CfnWebACL;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const rateLimit = props.rateLimit ?? DEFAULT_WAF_RATE_LIMIT;
    const metric = (name: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: false, metricName: name });

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: `timepoint-${props.stage}`,
      description: 'Timepoint: per-client rate limit on the CloudFront distribution',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      // Sampled requests would keep whole requests (paths included) for 3 hours in the console: off.
      visibilityConfig: metric(`timepoint-${props.stage}`),
      customResponseBodies: {
        'too-many-requests': {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({ error: { code: 'too_many_requests', message: 'too many requests from your connection: try again in a few minutes' } }),
        },
      },
      rules: [
        {
          name: 'RatePerClient',
          priority: 0,
          action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: 'too-many-requests', responseHeaders: [{ name: 'retry-after', value: '300' }] } } },
          statement: { rateBasedStatement: { limit: rateLimit, evaluationWindowSec: 300, aggregateKeyType: 'IP' } },
          visibilityConfig: metric('RatePerClient'),
        },
      ],
    });

    // Request logs hold client addresses: a key of their own, rotating, usable only by this region's logs service.
    const key = new Key(this, 'LogKey', { description: 'Timepoint WAF request log', enableKeyRotation: true });
    TimepointFunction.allowLogsToUse(key);
    // WAF only delivers to log groups whose name starts with aws-waf-logs-.
    this.logGroup = new LogGroup(this, 'RequestLog', { logGroupName: `aws-waf-logs-timepoint-${props.stage}`, retention: RetentionDays.ONE_YEAR, encryptionKey: key });
    new CfnLoggingConfiguration(this, 'RequestLogging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [this.logGroup.logGroupArn],
      redactedFields: [
        ...(redactedRequestParts.uriPath ? [{ uriPath: {} }] : []),
        ...(redactedRequestParts.queryString ? [{ queryString: {} }] : []),
        ...redactedRequestParts.headers.map((name) => ({ singleHeader: { Name: name } })),
      ],
    });
  }
}
