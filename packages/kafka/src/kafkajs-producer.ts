import type { Producer } from 'kafkajs';
import type { KafkaProducer } from './kafka-client.js';

/** Our producer interface on a kafkajs producer: acks=all on every write. */
export function producerFrom(producer: Producer): KafkaProducer {
  return {
    connect: () => producer.connect(),
    async send(topic, messages) {
      await producer.send({ topic, acks: -1, messages });
    },
    async sendBatch(topicMessages) {
      await producer.sendBatch({ topicMessages, acks: -1 });
    },
    disconnect: () => producer.disconnect(),
  };
}
