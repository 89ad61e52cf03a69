/**
 * What a study costs on AWS: the billable resources of the synthesized app (infra/bin/app.ts) and
 * the per-operation usage the other benchmarks measured (DynamoDB capacity units, calls, Lambda time,
 * emails), priced at the list prices of bench/lib/aws-prices.ts. A model, not a bill: its
 * assumptions are options, printed with the result, and explained in docs/cost.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { prices, type Price } from './lib/aws-prices';
import { fmtInt, options, Report, run, table, type BenchJson, type Usage } from './lib/harness';
import { synthesize, type Resource } from './lib/synth';

const opts = options('bench/cost.ts', 'The AWS cost of a study on the demo protocol, from the synthesized resources and the measured usage.', {
  measured: { kind: 'text', default: 'bench/RESULTS.json', help: "the benchmarks' JSON results (npm run bench writes them)" },
  participants: { kind: 'int', default: 1000, min: 1, help: 'participants in the study' },
  visits: { kind: 'int', default: 2, min: 1, help: 'times a participant opens each timepoint\'s link' },
  saves: { kind: 'int', default: 10, min: 0, help: 'progress saves per timepoint (a save follows each page turn and pauses in typing)' },
  'page-kib': { kind: 'int', default: 470, min: 0, help: 'KiB a first visit downloads (the participant page with SurveyJS, gzip; later visits hit the browser cache)' },
  'stored-kib': { kind: 'int', default: 20, min: 0, help: 'KiB a participant keeps in the tables (participant, instances, ledger, audit, contact)' },
});

/** The demo protocol (functions/demo/demo-study.ts): two timepoints, an invitation and two reminders each. Worst case: everyone gets both and every reminder. */
const TIMEPOINTS = 2;
const EMAILS = TIMEPOINTS * 3;
const MONTH_MINUTES = 30.42 * 24 * 60;

interface Line {
  service: string;
  usage: string;
  price: Price;
  quantity: number;
}

const money = (usd: number) => (usd >= 0.1 ? `$${usd.toFixed(2)}` : usd >= 0.001 ? `$${usd.toFixed(3)}` : usd === 0 ? '$0' : '< $0.001');
const fmtQty = (n: number) => (n >= 100 ? fmtInt(n) : n.toFixed(n >= 1 ? 1 : 3));

function linesTable(lines: Line[]): { text: string; total: number } {
  const total = lines.reduce((s, l) => s + l.quantity * l.price.usd, 0);
  const rows = lines.map((l) => [l.service, l.usage, `${fmtQty(l.quantity)} × $${l.price.usd < 0.01 ? l.price.usd.toPrecision(3) : l.price.usd.toFixed(2)}${l.price.confirmed ? '' : ' *'}`, money(l.quantity * l.price.usd)]);
  return { text: table(['service', 'usage', 'quantity × unit price', 'cost'], [...rows, ['total', '', '', money(total)]]), total };
}

async function main(): Promise<void> {
  const report = new Report(
    'cost',
    `Cost: a study of ${fmtInt(opts.participants)} participants on the demo protocol, on AWS`,
    `resources from the synthesized app (infra/bin/app.ts, no bundling); usage per operation from ${opts.measured}; us-east-1 list prices (bench/lib/aws-prices.ts; * = not re-read from a source this release), no free tier; ` +
      `worst case: every participant gets both timepoints and all ${EMAILS} emails, opens each link ${opts.visits}×, saves ${opts.saves}× per timepoint.`,
  );
  const file = resolve(import.meta.dirname, '..', opts.measured);
  if (!existsSync(file)) throw new Error(`${opts.measured} does not exist: run npm run bench (or pass --measured)`);
  const measured = JSON.parse(readFileSync(file, 'utf8')) as BenchJson[];
  const usage = Object.assign({}, ...measured.filter((b) => b.bench !== 'cost').map((b) => b.usage)) as Record<string, Usage>;
  const need = (name: string): Usage => {
    const u = usage[name];
    report.check(u !== undefined, `no measured usage "${name}" in ${opts.measured}`);
    return u ?? { calls: 0, rru: 0, wru: 0 };
  };
  const [enrol, open, save, submit, follow, message, empty] = ['enrolment', 'link opened', 'answers saved', 'submission', 'completion followed up', 'message sent', 'empty pass'].map(need) as [Usage, Usage, Usage, Usage, Usage, Usage, Usage];

  report.log('synthesizing the app (no bundling)');
  const synth = synthesize({ bundle: false });
  const resources = synth.resources;
  synth.dispose();
  const of = (type: string) => resources.filter((r) => r.type === type);
  const fn = (pattern: RegExp) => synth.functions.find((f) => pattern.test(f.logicalId));
  const api = fn(/participant/i) ?? fn(/^Api/);
  const dispatcher = fn(/^Dispatcher/);
  if (!report.check(api !== undefined && dispatcher !== undefined, 'no API or dispatcher function in the template')) return report.finish(opts.json);
  const gb = (f: typeof api) => f!.memoryMiB / 1024;
  const rate = Number(dispatcher!.env.TIMEPOINT_MAX_SEND_RATE ?? 10);
  const schedule = of('AWS::Events::Rule').map((r) => String(r.properties.ScheduleExpression ?? '')).find((s) => s.startsWith('rate('));
  const everyMinutes = Number(/rate\((\d+) minutes?\)/.exec(schedule ?? '')?.[1] ?? 1);
  const passes = MONTH_MINUTES / everyMinutes;
  const traced = (r: Resource) => (r.properties.TracingConfig as { Mode?: string } | undefined)?.Mode === 'Active';
  const webAcls = of('AWS::WAFv2::WebACL');
  const wafRules = webAcls.reduce((s, r) => s + ((r.properties.Rules as unknown[] | undefined)?.length ?? 0), 0);

  // ---- Per participant ----
  const n = opts.participants;
  const apiRequests = TIMEPOINTS * (opts.visits + opts.saves + 1);
  const ops: Array<[Usage, number]> = [[enrol, 1], [message, EMAILS], [open, TIMEPOINTS * opts.visits], [save, TIMEPOINTS * opts.saves], [submit, TIMEPOINTS], [follow, TIMEPOINTS]];
  const rru = ops.reduce((s, [u, k]) => s + u.rru * k, 0);
  const wru = ops.reduce((s, [u, k]) => s + u.wru * k, 0);
  const apiMs = TIMEPOINTS * (opts.visits * (open.ms ?? 100) + opts.saves * (save.ms ?? 100) + (submit.ms ?? 100)) + 100; // + the enrolment request, 100 ms assumed
  const perMessageMs = Math.max(message.ms ?? 0, 1000 / rate);
  const requests = apiRequests + 1;
  const viewerRequests = requests + TIMEPOINTS * 6; // a first visit fetches the page, its scripts, styles and the form (about 6)
  const variable: Line[] = [
    { service: 'SES', usage: `${EMAILS} emails per participant`, price: prices.sesEssentialsEmail, quantity: n * EMAILS },
    { service: 'SNS', usage: 'an SES delivery event per email, to the feedback topic', price: prices.snsPublish, quantity: n * EMAILS },
    { service: 'DynamoDB writes', usage: `${wru.toFixed(1)} WRU per participant (measured per operation, index writes estimated)`, price: prices.dynamoWru, quantity: n * (wru + EMAILS * 2) },
    { service: 'DynamoDB reads', usage: `${rru.toFixed(1)} RRU per participant (+1 per delivery event, estimated)`, price: prices.dynamoRru, quantity: n * (rru + EMAILS) },
    { service: 'API Lambda', usage: `${requests} requests, ${(apiMs / 1000).toFixed(2)} s at ${api!.memoryMiB} MiB per participant (times measured here)`, price: prices.lambdaArmGbSecond, quantity: (n * apiMs * gb(api)) / 1000 },
    { service: 'dispatcher Lambda', usage: `${EMAILS} sends × ${(perMessageMs / 1000).toFixed(2)} s (paced at ${rate}/s) at ${dispatcher!.memoryMiB} MiB`, price: prices.lambdaArmGbSecond, quantity: (n * EMAILS * perMessageMs * gb(dispatcher)) / 1000 },
    { service: 'feedback Lambda', usage: `${EMAILS} SES events × 0.1 s (assumed) at 256 MiB`, price: { ...prices.lambdaArmGbSecond, confirmed: false }, quantity: (n * EMAILS * 0.1 * 256) / 1024 },
    { service: 'CloudWatch Logs', usage: `${requests + EMAILS} invocations and ${requests} API access-log lines × about 0.5 KB`, price: prices.logsIngestGb, quantity: (n * (2 * requests + EMAILS) * 512) / 2 ** 30 },
    { service: 'Lambda requests', usage: `${requests} API + ${EMAILS} feedback invocations per participant`, price: prices.lambdaRequest, quantity: n * (requests + EMAILS) },
    { service: 'HTTP API', usage: `${requests} requests per participant`, price: prices.httpApiRequest, quantity: n * requests },
    { service: 'CloudFront data', usage: `${TIMEPOINTS} first visits × ${opts['page-kib']} KiB`, price: prices.cloudFrontGb, quantity: (n * TIMEPOINTS * opts['page-kib']) / 2 ** 20 },
    { service: 'CloudFront requests', usage: `${viewerRequests} per participant`, price: prices.cloudFrontRequest, quantity: n * viewerRequests },
    ...(webAcls.length > 0
      ? [
          { service: 'WAF requests', usage: `${viewerRequests} inspected per participant`, price: prices.wafRequest, quantity: n * viewerRequests },
          { service: 'WAF request log', usage: `${viewerRequests} records × about 1.5 KB, to CloudWatch Logs`, price: prices.logsIngestGb, quantity: (n * viewerRequests * 1536) / 2 ** 30 },
        ]
      : []),
    { service: 'DynamoDB storage', usage: `${opts['stored-kib']} KiB per participant, one month (+ point-in-time recovery)`, price: { ...prices.dynamoStorage, usd: prices.dynamoStorage.usd + prices.dynamoPitr.usd }, quantity: (n * opts['stored-kib']) / 2 ** 20 },
  ];

  // ---- Fixed, per month ----
  const fixed: Line[] = [
    { service: 'KMS', usage: `${of('AWS::KMS::Key').length} customer-managed keys (${of('AWS::KMS::Key').map((k) => k.logicalId.replace(/[0-9A-F]{8}$/, '')).join(', ')})`, price: prices.kmsKeyMonth, quantity: of('AWS::KMS::Key').length },
    { service: 'CloudWatch alarms', usage: `${of('AWS::CloudWatch::Alarm').length} alarms`, price: prices.alarmMonth, quantity: of('AWS::CloudWatch::Alarm').length },
    ...(webAcls.length > 0
      ? [
          { service: 'WAF', usage: `${webAcls.length} web ACL`, price: prices.wafWebAclMonth, quantity: webAcls.length },
          { service: 'WAF rules', usage: `${wafRules} rules`, price: prices.wafRuleMonth, quantity: wafRules },
        ]
      : []),
    ...(of('AWS::SecretsManager::Secret').length > 0 ? [{ service: 'Secrets Manager', usage: `${of('AWS::SecretsManager::Secret').length} secrets`, price: prices.secretMonth, quantity: of('AWS::SecretsManager::Secret').length }] : []),
    { service: 'dispatcher Lambda', usage: `${fmtInt(passes)} passes (${schedule}) × ${((empty.ms ?? 0) / 1000).toFixed(2)} s (an empty pass, measured here) at ${dispatcher!.memoryMiB} MiB`, price: prices.lambdaArmGbSecond, quantity: (passes * (empty.ms ?? 0) * gb(dispatcher)) / 1000 },
    { service: 'dispatcher requests', usage: `${fmtInt(passes)} invocations`, price: prices.lambdaRequest, quantity: passes },
    { service: 'dispatcher reads', usage: `${fmtInt(passes)} × ${empty.rru.toFixed(1)} RRU (${empty.calls.toFixed(0)} queries of the due index per pass)`, price: prices.dynamoRru, quantity: passes * empty.rru },
    { service: 'CloudWatch Logs', usage: `${fmtInt(passes)} passes × about 1 KB (Lambda's START, END, REPORT lines and the pass's report)`, price: prices.logsIngestGb, quantity: (passes * 1024) / 2 ** 30 },
    ...(traced(resources.find((r) => r.logicalId === dispatcher!.logicalId)!) ? [{ service: 'X-Ray', usage: `${fmtInt(passes)} dispatcher traces (tracing is active)`, price: prices.xrayTrace, quantity: passes }] : []),
  ];

  const v = linesTable(variable);
  const f = linesTable(fixed);
  report.section(`Per ${fmtInt(n)} participants, over the study (grows with participants)`, v.text);
  report.section('Fixed, per month (the same for 10 participants or 10,000)', f.text);
  report.section(
    'Resources priced from the template',
    table(
      ['resource type', 'count'],
      ['AWS::KMS::Key', 'AWS::CloudWatch::Alarm', 'AWS::WAFv2::WebACL', 'AWS::SecretsManager::Secret', 'AWS::Lambda::Function', 'AWS::Events::Rule', 'AWS::CloudFront::Distribution', 'AWS::DynamoDB::GlobalTable', 'AWS::Backup::BackupPlan', 'AWS::Logs::LogGroup', 'AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::S3::Bucket'].map((t) => [t, String(of(t).length)]),
    ) + `\nfunctions: ${synth.functions.map((x) => `${x.logicalId} ${x.memoryMiB} MiB ${x.architecture}`).join('; ')}`,
  );
  report.target({ name: `variable cost per 1,000 participants (of it SES: ${money(prices.sesEssentialsEmail.usd * 1000 * EMAILS)})`, measured: money((v.total * 1000) / n), goal: '< $2', met: (v.total * 1000) / n < 2 });
  report.target({ name: 'fixed cost per month (list prices, no free tier)', measured: money(f.total), goal: '< $15', met: f.total < 15 });
  report.note(`usage from ${measured.filter((b) => b.bench !== 'cost' && Object.keys(b.usage).length > 0).map((b) => `${b.bench} (${b.commit ?? '?'})`).join(', ')}; SES at the Essentials rate new accounts get (à la carte: $${(prices.sesALaCarteEmail.usd * 1000).toFixed(2)} per 1,000)`);
  for (const [name, u] of Object.entries({ enrolment: enrol, 'link opened': open, 'answers saved': save, submission: submit, 'completion followed up': follow, 'message sent': message, 'empty pass': empty })) {
    report.recordUsage(name, u);
  }
  report.finish(opts.json);
}

run(main);
