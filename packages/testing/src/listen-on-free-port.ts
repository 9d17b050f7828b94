/** What listenOnFreePort needs of a server: Fastify's listen(), which resolves with its address. */
export interface Listenable {
  listen(options: { port: number; host: string }): Promise<string>;
}

/** Listens on 127.0.0.1, on a port the kernel picks (so no other listener can race for it), and returns it. */
export async function listenOnFreePort(app: Listenable): Promise<number> {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return Number(new URL(address).port);
}
