#!/usr/bin/env node
// The `timepoint` command. Node 20 cannot run TypeScript itself, so tsx compiles on the fly.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every start that its 2027 releases will need Node 22; README says so once.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'NodeVersionSupportWarning') return;
  emitWarning(warning, ...rest);
};

register();
const { main } = await import('./cli.ts');
await main(process.argv);
