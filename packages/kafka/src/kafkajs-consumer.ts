import type { Consumer } from 'kafkajs';
import type { GroupConsumer } from './group-consumer.js';
import { runConsumer } from './run-consumer.js';

/**
 * Our consumer interface on a kafkajs consumer. Offsets are ours to commit (autoCommit off,
 * no auto-resolve): a batch handler hands work on and commits only what finished.
 */
export function consumerFrom(consumer: Consumer): GroupConsumer {
  return {
    run: (settings) =>
      runConsumer(consumer, {
        subscribe: { topics: settings.topics, fromBeginning: settings.fromBeginning },
        run: {
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
          eachBatch: settings.eachBatch,
        },
        logger: settings.logger,
        restartDelayMs: settings.restartDelayMs,
        maxRestartDelayMs: settings.maxRestartDelayMs,
        onRestart: settings.onRestart,
      }),
    partitions: (topic) => ({
      pause: (partition) => consumer.pause([{ topic, partitions: [partition] }]),
      resume: (partition) => consumer.resume([{ topic, partitions: [partition] }]),
      seek: (partition, offset) => consumer.seek({ topic, partition, offset }),
      commit: (offsets) => consumer.commitOffsets(offsets.map((o) => ({ topic, ...o }))),
    }),
    commit: (offsets) => consumer.commitOffsets(offsets),
    onGroupJoin(listener) {
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => listener(payload.memberAssignment));
    },
    onCrash(listener) {
      consumer.on(consumer.events.CRASH, ({ payload }) => listener(payload.error, payload.restart));
    },
    disconnect: () => consumer.disconnect(),
  };
}
