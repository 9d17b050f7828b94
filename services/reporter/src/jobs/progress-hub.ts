import { jobKeys, type Redis } from '@evh/redis';
import type { Logger } from 'pino';

export type ProgressListener = () => void;

/**
 * One pattern subscription for every job of this reporter, fanned out to the listeners of
 * each job. Every replica subscribes, so a client sees progress whichever replica it reached.
 * Messages only say "something changed"; listeners re-read the job.
 */
export function createProgressHub(subscriber: Redis, keyPrefix: string, logger: Logger) {
  const listeners = new Map<string, Set<ProgressListener>>();
  const prefix = `${keyPrefix}${jobKeys.progressChannel('')}`;
  subscriber.on('pmessage', (_pattern: string, channel: string) => {
    const jobId = channel.slice(prefix.length);
    for (const listener of listeners.get(jobId) ?? []) {
      try {
        listener();
      } catch (err) {
        logger.warn({ err, jobId }, 'progress listener failed');
      }
    }
  });
  return {
    async start(): Promise<void> {
      await subscriber.psubscribe(`${keyPrefix}${jobKeys.progressPattern()}`);
    },
    /** Returns the function that removes the listener. */
    listen(jobId: string, listener: ProgressListener): () => void {
      let set = listeners.get(jobId);
      if (!set) {
        set = new Set();
        listeners.set(jobId, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(jobId);
      };
    },
    get listening() {
      return listeners.size;
    },
  };
}

export type ProgressHub = ReturnType<typeof createProgressHub>;
