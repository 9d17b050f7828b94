/**
 * CPU seconds the Redis server process has used (user + system, all its threads), from the
 * text of `INFO cpu`. Forked children (an AOF rewrite) are left out: they are not the
 * server's command work. Redis is single-threaded for commands, so CPU seconds per drain
 * second close to 1 means Redis is the saturated resource.
 */
export function redisCpuSeconds(info: string): number {
  const field = (name: string) => {
    const m = new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info);
    if (!m) throw new Error(`INFO cpu has no ${name} field`);
    return Number(m[1]);
  };
  return field('used_cpu_sys') + field('used_cpu_user');
}
