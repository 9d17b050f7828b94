import type { Admin } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
}

/**
 * The largest record batch a topic accepts. Kafka's default (1 MB) is smaller than one
 * accepted HTTP batch can be (MAX_BODY_BYTES, 5 MB, possibly all for one user and so one
 * partition): a valid request must never fail at the broker.
 */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Creates the topics that do not exist yet; existing ones are left as they are. */
export async function ensureTopics(admin: Admin, specs: TopicSpec[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.topic));
  if (missing.length === 0) return;
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.numPartitions,
        replicationFactor: -1,
        configEntries: [{ name: 'max.message.bytes', value: String(MAX_MESSAGE_BYTES) }],
      })),
    });
  } catch (err) {
    // Two services starting together race to create the same topic; losing that race is fine.
    if ((err as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') {
      const still = new Set(await admin.listTopics());
      if (missing.some((s) => !still.has(s.topic))) throw err;
    }
  }
}
