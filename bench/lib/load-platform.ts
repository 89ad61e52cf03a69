/**
 * The platform under test of bench/load.ts, in a process of its own as `npm start` would run it:
 * `startPlatform` (emulators in memory, demo studies, web app and API on one port, dispatcher
 * every minute and on every schedule change), on the ports given as a JSON array in argv[2].
 * Talks to its parent over IPC: `ready` with its endpoints; on `cpu`, its CPU time so far; on
 * `stop`, stops the platform and exits.
 */
import { join } from 'node:path';
import { startPlatform } from '../../scripts/local/platform';

export type PlatformMessage =
  | { type: 'ready'; url: string; dynamoEndpoint: string; inboxUrl: string }
  | { type: 'cpu'; seconds: number; rssBytes: number }
  | { type: 'stopped' };

const send = (message: PlatformMessage) => process.send!(message);

async function main(): Promise<void> {
  const [port, dynamoPort, sesPort] = JSON.parse(process.argv[2]!) as [number, number, number];
  const platform = await startPlatform({
    root: join(import.meta.dirname, '..', '..'),
    port,
    dynamoPort,
    sesPort,
    dataDir: null,
    dispatchEveryMs: 60_000,
    seedDemo: true,
    log: (line) => process.stderr.write(`[load:platform] ${line}\n`),
  });
  process.on('message', (message: { type: string }) => {
    if (message.type === 'cpu') {
      const cpu = process.cpuUsage();
      send({ type: 'cpu', seconds: (cpu.user + cpu.system) / 1e6, rssBytes: process.memoryUsage().rss });
    } else if (message.type === 'stop') {
      void platform.stop().then(() => {
        send({ type: 'stopped' });
        process.disconnect();
      });
    }
  });
  send({ type: 'ready', url: `http://127.0.0.1:${port}`, dynamoEndpoint: platform.dynamoEndpoint, inboxUrl: platform.inboxUrl });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
