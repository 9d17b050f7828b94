/**
 * Which of this process's partitions are caught up, and since when. A seq gap is only timed
 * while its partition is caught up: while a backlog is being read, the missing event may
 * simply not have been read yet, and skipping it then would break the user's order.
 */
export interface PartitionProgress {
  /** A new assignment (group join): only these partitions are ours now. */
  assigned(partitions: number[]): void;
  /** A batch was fetched: the partition is behind until its work is done at the high watermark. */
  batchStarted(partition: number): void;
  /** Everything fetched is finished and the newest batch ended at the high watermark. */
  caughtUp(partition: number): void;
  /** When the partition became caught up and has stayed so; undefined while behind or not ours. */
  caughtUpSince(partition: number): number | undefined;
}

export function createPartitionProgress(now: () => number = Date.now): PartitionProgress {
  // undefined value: ours, but reading a batch or behind.
  const since = new Map<number, number | undefined>();
  return {
    assigned(partitions) {
      since.clear();
      // An assigned partition with a backlog gets a batch within one fetch wait and is marked
      // behind then; one with nothing to read never gets a batch, so it starts as caught up.
      const at = now();
      for (const p of partitions) since.set(p, at);
    },
    batchStarted(partition) {
      since.set(partition, undefined);
    },
    caughtUp(partition) {
      if (since.get(partition) === undefined) since.set(partition, now());
    },
    caughtUpSince(partition) {
      return since.get(partition);
    },
  };
}
