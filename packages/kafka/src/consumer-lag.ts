import type { Admin } from 'kafkajs';

export interface PartitionLag {
  partition: number;
  end: number;
  committed: number | null;
  lag: number;
}

export interface GroupLag {
  topic: string;
  groupId: string;
  partitions: PartitionLag[];
  total: number;
}

/**
 * Lag of a consumer group on one topic: end offset minus committed offset per partition.
 * A partition the group never committed counts as lagging from its first retained offset,
 * never as infinite.
 */
export async function consumerLag(admin: Admin, groupId: string, topic: string): Promise<GroupLag> {
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const committedBy = new Map<number, number>();
  for (const p of committed[0]?.partitions ?? []) committedBy.set(p.partition, Number(p.offset));
  const partitions = ends
    .map((e) => {
      const end = Number(e.high);
      const low = Number(e.low);
      const c = committedBy.get(e.partition);
      const has = c !== undefined && c >= 0;
      return {
        partition: e.partition,
        end,
        committed: has ? c : null,
        lag: Math.max(0, end - (has ? c : low)),
      };
    })
    .sort((a, b) => a.partition - b.partition);
  return { topic, groupId, partitions, total: partitions.reduce((s, p) => s + p.lag, 0) };
}
