/**
 * The house rules, checked on every CI run (`npm run lint:deps`): which folder may import what.
 * See README "Code tour". A rule here is a design decision; change it on purpose, with the reason.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle (even type-only) means two modules are one concern split in two, or one leans on the other’s inside.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      severity: 'error',
      comment: 'The domain core does no I/O and knows no framework: no SDK, no web framework, no adapter, no use case, no Node I/O.',
      from: { path: '^functions/core/' },
      to: {
        path: [
          '^functions/(adapters|use-cases|http|entrypoints|demo)/',
          '^functions/(dependencies|config)\\.ts$',
          '^(scripts|infra|web|test|bench)/',
          '^node_modules/(@aws-sdk|hono|@hono|survey-core|survey-react-ui|react|react-dom|nodemailer|csv-parse|csv-stringify)/',
        ],
      },
    },
    {
      name: 'core-uses-no-node-io',
      severity: 'error',
      comment: 'The core may not reach the file system, network or processes (node:crypto for hashing is allowed).',
      from: { path: '^functions/core/' },
      to: { dependencyTypes: ['core'], pathNot: '^(node:)?crypto$' },
    },
    {
      name: 'use-cases-take-ports',
      severity: 'error',
      comment: 'Use cases reach the outside world only through the ports they are given.',
      from: { path: '^functions/use-cases/' },
      to: {
        path: ['^functions/(adapters|http|entrypoints)/', '^functions/dependencies\\.ts$', '^node_modules/(@aws-sdk|hono|@hono)/', '^(scripts|infra|web|test|bench)/'],
      },
    },
    {
      name: 'only-the-dynamodb-adapter-imports-dynamodb',
      severity: 'error',
      from: { pathNot: '^(functions/adapters/dynamodb/|test/|bench/|\\.ci/)' },
      to: { path: '^node_modules/@aws-sdk/(client-dynamodb|lib-dynamodb|util-dynamodb)/' },
    },
    {
      name: 'only-the-mail-adapter-imports-ses',
      severity: 'error',
      from: { pathNot: '^(functions/adapters/ses/|test/|bench/)' },
      to: { path: '^node_modules/@aws-sdk/client-ses/' },
    },
    {
      name: 'instruments-are-data',
      severity: 'error',
      comment: 'surveys/ holds instrument definitions; the application reads them, never the other way round.',
      from: { path: '^surveys/' },
      to: { pathNot: '^surveys/' },
    },
    {
      name: 'functions-stand-alone',
      severity: 'error',
      comment: 'What is deployed imports nothing from the local tooling, the tests, the benchmarks or the browser code.',
      from: { path: '^functions/' },
      to: { path: '^(scripts|test|bench|web|infra)/' },
    },
    {
      name: 'the-browser-shares-only-the-core',
      severity: 'error',
      comment: 'The web app may share pure definitions with the server (core, instrument data) and the types of what the API answers, nothing that runs on the server.',
      from: { path: '^web/' },
      to: { path: ['^functions/(?!core/)', '^(scripts|infra|test|bench)/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'infra-reads-only-table-definitions',
      severity: 'error',
      comment:
        'CDK shares the one table definition with the emulator, the page headers with the local server, and the CloudFront header names and function with the API (edge-headers: data, no runtime code); Lambda code reaches it as bundle entry paths, not imports.',
      from: { path: '^infra/' },
      to: { path: '^functions/', pathNot: '^functions/(adapters/dynamodb/table-definitions|http/page-headers|http/edge-headers)\\.ts$' },
    },
    {
      name: 'memory-adapter-is-never-deployed',
      severity: 'error',
      comment: 'The in-memory storage adapter is for tests and `simulate` only: no deployed code (entrypoints, HTTP, use cases, the composition root) may reach it; they get storage passed in.',
      from: { path: '^functions/', pathNot: '^functions/adapters/memory/' },
      to: { path: '^functions/adapters/memory/' },
    },
    {
      name: 'memory-adapter-does-no-io',
      severity: 'error',
      comment: 'The in-memory adapter shares the core’s transition rules, not the DynamoDB SDK (a type from the DynamoDB adapter is fine).',
      from: { path: '^functions/adapters/memory/' },
      to: { path: ['^node_modules/@aws-sdk/', '^functions/adapters/(?!memory/)'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'benchmarks-stand-alone',
      severity: 'error',
      comment: 'A benchmark measures the product, not the test suite’s helpers.',
      from: { path: '^bench/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(web/dist|cdk\\.out|\\.data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
