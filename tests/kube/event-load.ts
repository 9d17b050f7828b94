import { setTimeout as sleep } from 'node:timers/promises';
import { pipelineKeys } from '@evh/redis';
import { randomName, waitFor } from '@evh/testing';
import { releaseRedis } from './kube-fixture.js';

export interface LoadResult {
  /** Each user's accepted seqs, in order (event ids are `<userId>-<seq>`). */
  accepted: Map<string, number[]>;
  /** Requests that got no 202 (a reset, a 503 from a pod going away) and were sent again. */
  retried: number;
  durationMs: number;
}

/**
 * Users posting their events in order (seq 1, 2, ...) with ids they choose, each one request
 * at a time, for `durationMs`. A request that is not accepted is sent again with the same id
 * and seq until it is, as a client with an outbox would; `actions` run at their times meanwhile.
 */
export async function runEventLoad(
  ingestUrl: () => string,
  options: { users: number; durationMs: number; actions?: { atMs: number; run: () => unknown }[] },
): Promise<LoadResult> {
  const prefix = randomName('load');
  const accepted = new Map<string, number[]>();
  let retried = 0;
  const started = Date.now();
  const stopAt = started + options.durationMs;
  let url = ingestUrl();
  const user = async (index: number) => {
    const userId = `${prefix}-u${index}`;
    const seqs: number[] = [];
    accepted.set(userId, seqs);
    for (let seq = 1; Date.now() < stopAt; seq++) {
      const eventId = `${userId}-${seq}`;
      for (;;) {
        try {
          const res = await fetch(`${url}/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ eventId, userId, type: 'page_view', payload: { seq } }),
            signal: AbortSignal.timeout(5_000),
          });
          await res.arrayBuffer();
          if (res.status === 202) break;
        } catch {}
        retried += 1;
        // Give a replacement pod time to appear, and the Service's endpoints time to follow.
        await sleep(200);
        if (Date.now() > stopAt + 60_000) throw new Error(`${eventId} was never accepted`);
      }
      seqs.push(seq);
    }
  };
  const actions = (options.actions ?? []).map(async ({ atMs, run }) => {
    await sleep(Math.max(0, started + atMs - Date.now()));
    await run();
    url = ingestUrl();
  });
  await Promise.all([...Array.from({ length: options.users }, (_, i) => user(i)), ...actions]);
  return { accepted, retried, durationMs: Date.now() - started };
}

export interface Verdict {
  accepted: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
}

/**
 * Compares what was accepted with each user's processed-order list (the seqs in the order the
 * consumer applied them) in the release's Redis,
 * once every accepted event is there (or `timeoutMs` passed): lost = accepted but never
 * processed, duplicated = processed more than once.
 */
export async function verifyProcessed(load: LoadResult, timeoutMs = 120_000): Promise<Verdict> {
  const redis = await releaseRedis();
  try {
    const read = async () => {
      const verdict: Verdict = { accepted: 0, lost: 0, duplicated: 0, outOfOrder: 0 };
      for (const [userId, seqs] of load.accepted) {
        const processed = (await redis.lrange(pipelineKeys.order(userId), 0, -1)).map(Number);
        verdict.accepted += seqs.length;
        const seen = new Set(processed);
        verdict.duplicated += processed.length - seen.size;
        verdict.lost += seqs.filter((seq) => !seen.has(seq)).length;
        const positions = seqs.filter((seq) => seen.has(seq)).map((seq) => processed.indexOf(seq));
        verdict.outOfOrder += positions.filter((p, i) => i > 0 && p < (positions[i - 1] ?? 0)).length;
      }
      return verdict;
    };
    try {
      return await waitFor(
        'every accepted event processed',
        async () => {
          const v = await read();
          return v.lost === 0 ? v : undefined;
        },
        { timeoutMs, intervalMs: 1000 },
      );
    } catch {
      return await read();
    }
  } finally {
    redis.disconnect();
  }
}
