#!/usr/bin/env node
// The `timepoint` command. Node 20 cannot run TypeScript itself, so tsx compiles on the fly.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every start that its 2027 releases need Node 22; the README says so once.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
const { main } = await import('./cli.ts');
await main(process.argv);
