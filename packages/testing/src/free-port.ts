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

async function isFree(port: number): Promise<boolean> {
  const probe = createServer();
  probe.on('error', () => {});
  probe.listen(port, '127.0.0.1');
  const free = await Promise.race([
    once(probe, 'listening').then(() => true),
    once(probe, 'error').then(() => false),
  ]);
  if (free) await new Promise((done) => probe.close(done));
  return free;
}

/** A free port whose successor is free too: Kafka's broker, with its KRaft controller on port + 1. */
export async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < 65_535 && (await isFree(port + 1))) return port;
  }
}
