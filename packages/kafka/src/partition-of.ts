import { Partitioners } from 'kafkajs';

const partitioner = Partitioners.DefaultPartitioner();

/**
 * The partition the producer's default (Java-compatible murmur2) partitioner picks for a
 * key, so a consumer can tell which partition a user's events travel on.
 */
export function partitionOf(key: string, numPartitions: number): number {
  const partitionMetadata = Array.from({ length: numPartitions }, (_, i) => ({
    partitionId: i,
    leader: 0,
    replicas: [0],
    isr: [0],
    partitionErrorCode: 0,
  }));
  return partitioner({ topic: '', partitionMetadata, message: { key, value: null } });
}
