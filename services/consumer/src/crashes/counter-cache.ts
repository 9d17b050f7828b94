import { type CounterDefinition, counterDefinitionSchema } from '@evh/crashes';
import { crashKeys, type Redis } from '@evh/redis';

export interface NamedCounter {
  name: string;
  def: CounterDefinition;
}

/**
 * A project's custom counter definitions, cached per project for `maxAgeMs`: a definition
 * changed through the API takes effect within that time, without a read per crash.
 */
export function createCounterCache(redis: Redis, maxAgeMs: number, now: () => number = Date.now) {
  const cache = new Map<string, { at: number; counters: NamedCounter[] }>();
  const loading = new Map<string, Promise<NamedCounter[]>>();

  async function load(projectId: string): Promise<NamedCounter[]> {
    const raw = await redis.hgetall(crashKeys.counterDefs(projectId));
    const counters: NamedCounter[] = [];
    for (const [name, json] of Object.entries(raw)) {
      // Definitions were validated when written; one that no longer parses is skipped.
      const parsed = counterDefinitionSchema.safeParse(safeJson(json));
      if (parsed.success) counters.push({ name, def: parsed.data });
    }
    cache.set(projectId, { at: now(), counters });
    return counters;
  }

  return {
    async get(projectId: string): Promise<NamedCounter[]> {
      const hit = cache.get(projectId);
      if (hit && now() - hit.at < maxAgeMs) return hit.counters;
      let pending = loading.get(projectId);
      if (!pending) {
        pending = load(projectId).finally(() => loading.delete(projectId));
        loading.set(projectId, pending);
      }
      return pending;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
