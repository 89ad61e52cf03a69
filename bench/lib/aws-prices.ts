/**
 * The AWS list prices bench/cost.ts uses: US East (N. Virginia), on demand, USD, no free tier and no
 * discount. Each names where it was read and when; `confirmed` is false where the figure could not
 * be re-read from a source during this release (AWS renders most of its pricing tables in the
 * browser), and docs/cost.md says so. Other regions cost up to about 20% more (London: eu-west-2).
 */
export interface Price {
  usd: number;
  unit: string;
  source: string;
  /** When the figure was read (YYYY-MM-DD), and from what. */
  read: string;
  confirmed: boolean;
}

const READ = '2026-12-07';

export const prices = {
  sesEssentialsEmail: {
    usd: 0.16 / 1000,
    unit: 'email (SES Essentials plan, the default for accounts new to SES since 2026-07-21; first 10M a month)',
    source: 'AWS Price List API, AmazonSES us-east-1, publication 2026-07-22, as transcribed in github.com/api-evangelist/amazon-ses plans/amazon-ses-plans-pricing.yml; https://aws.amazon.com/ses/pricing/',
    read: READ,
    confirmed: true,
  },
  sesALaCarteEmail: {
    usd: 0.1 / 1000,
    unit: 'email recipient (SES à la carte, accounts that have sent since 2025-06-01)',
    source: 'same price list and page as the Essentials plan',
    read: READ,
    confirmed: true,
  },
  dynamoWru: { usd: 0.625 / 1e6, unit: 'write request unit (on demand)', source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (rates after the 2024-11-01 reduction, as quoted by airbyte.com/data-engineering-resources/dynamodb-pricing, 2025-07-21)', read: READ, confirmed: true },
  dynamoRru: { usd: 0.125 / 1e6, unit: 'read request unit (on demand)', source: 'same as the write request unit', read: READ, confirmed: true },
  dynamoStorage: { usd: 0.25, unit: 'GB-month stored', source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/', read: READ, confirmed: false },
  dynamoPitr: { usd: 0.2, unit: 'GB-month under point-in-time recovery', source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/', read: READ, confirmed: false },
  lambdaArmGbSecond: { usd: 0.0000133334, unit: 'GB-second, arm64', source: 'https://aws.amazon.com/lambda/pricing/ (base arm64 rate, as tabulated in artillery@2.0.28 lib/platform/aws-lambda/prices.js)', read: READ, confirmed: true },
  lambdaRequest: { usd: 0.2 / 1e6, unit: 'request', source: 'https://aws.amazon.com/lambda/pricing/ (quoted in github.com/api-evangelist/aws-lambda plans, read 2026-09-20)', read: READ, confirmed: true },
  httpApiRequest: { usd: 1.0 / 1e6, unit: 'HTTP API request (first 300M a month)', source: 'https://aws.amazon.com/api-gateway/pricing/', read: READ, confirmed: false },
  cloudFrontGb: { usd: 0.085, unit: 'GB to viewers in North America or Europe (first 10 TB)', source: 'https://aws.amazon.com/cloudfront/pricing (always free: 1 TB and 10M requests a month)', read: READ, confirmed: true },
  cloudFrontRequest: { usd: 0.01 / 10_000, unit: 'HTTPS request (North America, Europe)', source: 'https://aws.amazon.com/cloudfront/pricing', read: READ, confirmed: false },
  kmsKeyMonth: { usd: 1, unit: 'customer-managed key-month (a rotated key adds $1 for each of its first two rotations)', source: 'https://aws.amazon.com/kms/pricing/ ($1 per key-month, 20,000 requests free then $0.03 per 10,000: gist.github.com/dasgoll/b88d5be05dcc0deb052ad40446c2fb40; rotation charges as changed in 2024: cloudburn.io/blog/aws-kms-pricing, 2026-03-14)', read: READ, confirmed: true },
  alarmMonth: { usd: 0.1, unit: 'standard-resolution alarm-month (10 free a month)', source: 'https://aws.amazon.com/cloudwatch/pricing/', read: READ, confirmed: false },
  logsIngestGb: { usd: 0.5, unit: 'GB of logs ingested (5 GB free a month)', source: 'https://aws.amazon.com/cloudwatch/pricing/ (quoted at $0.50/GB by factualminds.com, 2026-06-13)', read: READ, confirmed: true },
  wafWebAclMonth: { usd: 5, unit: 'web ACL-month', source: 'https://aws.amazon.com/waf/pricing/', read: READ, confirmed: false },
  wafRuleMonth: { usd: 1, unit: 'rule-month', source: 'https://aws.amazon.com/waf/pricing/', read: READ, confirmed: false },
  wafRequest: { usd: 0.6 / 1e6, unit: 'request inspected', source: 'https://aws.amazon.com/waf/pricing/', read: READ, confirmed: false },
  secretMonth: { usd: 0.4, unit: 'secret-month', source: 'https://aws.amazon.com/secrets-manager/pricing/', read: READ, confirmed: false },
  xrayTrace: { usd: 5 / 1e6, unit: 'trace recorded (100,000 free a month)', source: 'https://aws.amazon.com/xray/pricing/', read: READ, confirmed: false },
  snsPublish: { usd: 0.5 / 1e6, unit: 'SNS publish (SES event to the feedback topic)', source: 'https://aws.amazon.com/sns/pricing/', read: READ, confirmed: false },
} satisfies Record<string, Price>;
