#!/usr/bin/env node
// The `timepoint` command, run inside the project folder as `npx timepoint <command>`.
// Plain JavaScript that any Node.js can parse, so an old Node gets one clear line instead of a
// syntax error from deep inside a dependency.
import { nodeVersionProblem } from './node-version.mjs';

const problem = nodeVersionProblem(process.versions.node);
if (problem) {
  process.stderr.write(`timepoint: ${problem}\n`);
  process.exit(1);
}

// The AWS SDK warns on every start that its 2027 releases need Node 22; the README says so once.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Node 20 cannot run TypeScript itself, so tsx compiles on the fly.
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('./cli.ts');
await main(process.argv);
