import type { EachBatchPayload } from '@evh/kafka/kafkajs';

/**
 * The ceiling: what kafkajs alone delivers on this machine, each message decoded once and
 * nothing done with it. The seqs are summed so the parse cannot be optimised away.
 */
export function createRawBatch() {
  const totals = { messages: 0, seqSum: 0 };
  const eachBatch = async ({ batch }: EachBatchPayload) => {
    for (const message of batch.messages) {
      const event = JSON.parse(message.value?.toString() ?? '') as { payload?: { seq?: number } };
      totals.messages++;
      totals.seqSum += event.payload?.seq ?? 0;
    }
  };
  return { eachBatch, totals };
}
