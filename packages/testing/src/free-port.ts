import { once } from 'node:events';
import { createServer } from 'node:net';

/** A TCP port nothing listens on right now on 127.0.0.1, from the kernel. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

function isFree(port: number): Promise<boolean> {
  // Plain listeners, not events.once: once(server, 'listening') rejects on 'error', which is
  // the answer here (EADDRINUSE), not a failure.
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.once('listening', () => probe.close(() => resolve(true)));
    probe.listen(port, '127.0.0.1');
  });
}

/** A free port whose successor is free too: Kafka's broker, with its KRaft controller on port + 1. */
export async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < 65_535 && (await isFree(port + 1))) return port;
  }
}
