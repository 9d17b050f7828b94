import { z } from 'zod';
import { JOBS_TOPIC } from './job.js';
import { CONSUMER_GROUP, DLQ_TOPIC, EVENTS_TOPIC } from './topics.js';

/** Topic and group names in a service's env schema: the defaults are the contract's names. */
export const topicsEnvShape = {
  EVENTS_TOPIC: z.string().min(1).default(EVENTS_TOPIC),
  DLQ_TOPIC: z.string().min(1).default(DLQ_TOPIC),
  JOBS_TOPIC: z.string().min(1).default(JOBS_TOPIC),
  CONSUMER_GROUP: z.string().min(1).default(CONSUMER_GROUP),
  /** Partitions of the topics a service creates when they are missing. */
  EVENTS_PARTITIONS: z.coerce.number().int().min(1).default(12),
};

/** The topics every service makes sure exist at start-up (whichever starts first creates them). */
export function platformTopics(config: {
  EVENTS_TOPIC: string;
  DLQ_TOPIC: string;
  JOBS_TOPIC: string;
  EVENTS_PARTITIONS: number;
}): { topic: string; numPartitions: number }[] {
  return [config.EVENTS_TOPIC, config.DLQ_TOPIC, config.JOBS_TOPIC].map((topic) => ({
    topic,
    numPartitions: config.EVENTS_PARTITIONS,
  }));
}
