import { createServer } from 'node:net';
import { LocalSetupError } from './local-setup-error';

/** A port the platform listens on, with the option or variable that changes it. */
export interface NamedPort {
  port: number;
  setting: string;
}

/** A listen error on one of `ports` as one line naming the port and its setting; null for other errors. */
export function portSetupError(error: unknown, ports: NamedPort[]): LocalSetupError | null {
  const { code, port } = error as { code?: string; port?: number };
  if (code !== 'EADDRINUSE' && code !== 'EACCES') return null;
  const setting = ports.find((p) => p.port === port)?.setting ?? 'the port settings';
  const why = code === 'EADDRINUSE' ? 'is already in use by another program' : 'needs privileges this user lacks';
  return new LocalSetupError(`port ${port} ${why}: choose another with ${setting}`);
}

const tryListen = (port: number, host: string) =>
  new Promise<unknown>((done) => {
    const server = createServer();
    server.once('error', done);
    server.listen(port, host, () => server.close(() => done(null)));
  });

/**
 * Fails at once when a port the platform needs is taken: better than finding out after the
 * database and the web build are up. Port 0 (any free port, in tests) is never checked.
 */
export async function ensurePortsFree(ports: NamedPort[], host = '127.0.0.1'): Promise<void> {
  for (const named of ports) {
    if (named.port === 0) continue;
    const error = await tryListen(named.port, host);
    if (error) throw portSetupError(error, ports) ?? error;
  }
}
