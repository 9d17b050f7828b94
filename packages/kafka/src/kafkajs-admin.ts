import type { Admin } from 'kafkajs';
import { consumerLag } from './consumer-lag.js';
import { ensureTopics } from './ensure-topics.js';
import type { KafkaAdmin } from './kafka-client.js';

/** Our admin interface on a kafkajs admin client. */
export function adminFrom(admin: Admin): KafkaAdmin {
  return {
    connect: () => admin.connect(),
    disconnect: () => admin.disconnect(),
    ensureTopics: (specs) => ensureTopics(admin, specs),
    async partitionCounts(topics) {
      const metadata = await admin.fetchTopicMetadata({ topics });
      return new Map(metadata.topics.map((t) => [t.name, t.partitions.length]));
    },
    consumerLag: (groupId, topic) => consumerLag(admin, groupId, topic),
    async brokerCount() {
      const { brokers } = await admin.describeCluster();
      return brokers.length;
    },
  };
}
