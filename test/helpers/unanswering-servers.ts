import { spawn } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';

/** An endpoint that misbehaves, for as long as the test needs it. */
export interface UnansweringEndpoint {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Connections opened to it by the client under test (each attempt of a timed-out call opens one). */
  attempts(): number;
  close(): Promise<void>;
}

/**
 * A server that accepts every connection and reads every request, and never answers any: a
 * service that took the request and went quiet.
 */
export async function silentServer(): Promise<UnansweringEndpoint> {
  const sockets = new Set<Socket>();
  let attempts = 0;
  const server = createServer((socket) => {
    attempts++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    attempts: () => attempts,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * An address where a connection is never established: another process listens with a backlog of
 * one and never accepts (its event loop is blocked), and the backlog is filled here, so the
 * kernel drops every further connection attempt, as with a host that has gone away.
 */
export async function unreachableServer(): Promise<UnansweringEndpoint> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const server = require('node:net').createServer();
       server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
         process.stdout.write(server.address().port + '\\n');
         // Blocks this process without spinning: nothing is accepted from now on.
         setTimeout(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0), 20);
       });`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (chunk) => resolve(Number(String(chunk).trim())));
  });
  await new Promise((r) => setTimeout(r, 100));
  // The kernel completes connections into the backlog without the process; fill it.
  const fillers: Socket[] = [];
  for (;;) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    fillers.push(socket);
    const connected = await Promise.race([
      new Promise<boolean>((resolve) => socket.once('connect', () => resolve(true))),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 300)),
    ]);
    if (!connected) break;
    if (fillers.length > 16) throw new Error('the backlog never filled: this kernel accepts beyond it');
  }
  return {
    url: `http://127.0.0.1:${port}`,
    attempts: () => Number.NaN,
    async close() {
      for (const socket of fillers) socket.destroy();
      child.kill('SIGKILL');
      await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)));
    },
  };
}
