/**
 * The emulators of `npm start` (scripts/local/emulators.ts) in a process of their own, as DynamoDB
 * and SES are elsewhere in AWS: a benchmark's event loop then runs only the product, and the
 * emulators' work shows up as waiting, not as the product's own time. Started by
 * bench/lib/local-stack.ts; sends its endpoints over IPC and stops when told to (or when its
 * parent goes away).
 */
import { startEmulators } from '../../scripts/local/emulators';

const emulators = await startEmulators({ dynamoPort: 0, sesPort: 0 });
process.send!({ dynamoEndpoint: emulators.dynamoEndpoint, sesEndpoint: emulators.sesEndpoint });
const stop = () => void emulators.stop().then(() => process.exit(0));
process.on('message', stop);
process.on('disconnect', stop);
