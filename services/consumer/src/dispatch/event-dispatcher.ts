import type { BatchContext, ConsumedMessage, PartitionControl } from '@evh/kafka';
import { createPeriodicTask, type PeriodicTask, singleFlight } from '@evh/lifecycle';
import { inSpan, processSpan } from '@evh/telemetry';
import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { ConsumerMetrics } from '../metrics.js';
import type { Decoded, EventProcessor } from '../pipeline/event-processor.js';
import type { FairScheduler } from './fair-scheduler.js';
import { createOffsetTracker, type OffsetTracker } from './offset-tracker.js';
import type { PartitionProgress } from './partition-progress.js';
import { costOf, projectKeyOf } from './project-key.js';
import type { UserLanes } from './user-lanes.js';

export interface EventDispatcherOptions {
  processor: EventProcessor;
  lanes: UserLanes;
  /** Shares the consumer's capacity among projects by weight (ProjectQuota). */
  scheduler: FairScheduler;
  metrics: ConsumerMetrics;
  logger: Logger;
  progress: PartitionProgress;
  /** The consumer's pause, resume, seek and commit on the topic (GroupConsumer.partitions). */
  control: PartitionControl;
  /**
   * When tracing is on, a CONSUMER span per task (an event, or a run of one user's plain
   * events), a child of its first message's producer span and linked to the others'.
   */
  tracer?: Tracer;
  /** The topic and consumer group, for those spans' attributes. */
  topic?: string;
  group?: string;
  /** A partition stops being fetched while this many of its messages are unfinished... */
  maxPendingMessages: number;
  /** ...or while their values add up to this many bytes. */
  maxPendingBytes: number;
  /** Wait before a message whose processing failed (Redis or Kafka down) is read again. */
  redeliveryDelayMs: number;
  /**
   * Offsets are committed only past messages finished at least this long ago: their final
   * state must be on Redis's disk before Kafka forgets them (ADR 0007). 0: at once.
   */
  durableAfterMs?: number;
}

export interface EventDispatcher {
  /** The consumer's batch handler: hands the batch to processing and returns without waiting for it. */
  handleBatch(context: BatchContext): Promise<void>;
  /** A new assignment: what was handed out before is redelivered from the committed offsets. */
  assigned(partitions: number[]): void;
  /** Commits each partition's finished prefix; one commit at a time. */
  commit(): Promise<void>;
  /** Commits every `intervalMs` until drained. */
  start(intervalMs: number): void;
  /** Stops dispatching, waits (bounded) for running events, then commits what finished. */
  drain(timeoutMs: number): Promise<void>;
  /** Messages handed to processing and not finished. */
  readonly pending: number;
}

/**
 * Plain events of one user applied in one script call at most: bounds the script's run time
 * (Redis serves nothing else meanwhile) and its argument list.
 */
const MAX_RUN = 200;

/** One partition's work in the current generation; replaced wholesale on a reset. */
interface PartitionState {
  partition: number;
  tracker: OffsetTracker;
  bytes: number;
  paused: boolean;
  /** The newest batch ended at the partition's high watermark. */
  lagZero: boolean;
  committed: bigint | undefined;
  /** A failed message is waiting to be read again; batches are ignored until then. */
  redelivery: NodeJS.Timeout | undefined;
}

/**
 * Decouples fetching from processing. kafkajs fetches again only once every batch of the
 * previous fetch is handled, so awaiting the work there makes a quiet project's event wait
 * for the slowest batch of a busy one. Here a batch is only queued: each message goes on
 * its user's lane (one user's events stay in offset order), then through the fair scheduler
 * (projects share capacity by weight), and the next fetch starts at once. A partition's
 * offset is committed up to its oldest unfinished message, periodically; a partition with
 * too much unfinished work is paused until it drains (back-pressure). Everything not
 * committed is redelivered after a crash or a rebalance, and the Redis side of processing
 * (dedup marker, lock, seq buffer) makes a redelivered event a no-op.
 */
export function createEventDispatcher(options: EventDispatcherOptions): EventDispatcher {
  const { processor, lanes, scheduler, progress, control, logger, metrics } = options;
  const states = new Map<number, PartitionState>();
  let pending = 0;
  let running = 0;
  let stopping = false;
  let idle: (() => void) | undefined;
  let ticker: PeriodicTask | undefined;

  /**
   * Calls the Kafka consumer, which throws while it is restarting after a crash. A failed
   * call is not lost: the restart's rejoin (assigned) replaces every partition's state and
   * reads from the committed offsets, and until then the caller tries again later.
   */
  function tryControl(what: string, partition: number, call: () => void): boolean {
    try {
      call();
      return true;
    } catch (err) {
      logger.warn({ err, partition }, `kafka consumer ${what} failed (restarting?); trying again later`);
      return false;
    }
  }

  function fresh(partition: number): PartitionState {
    const state: PartitionState = {
      partition,
      tracker: createOffsetTracker({ durableAfterMs: options.durableAfterMs ?? 0 }),
      bytes: 0,
      paused: false,
      lagZero: false,
      committed: undefined,
      redelivery: undefined,
    };
    states.set(partition, state);
    return state;
  }

  /** Forgets a partition's work: queued messages of the old state never start. */
  function reset(state: PartitionState): void {
    if (state.redelivery) clearTimeout(state.redelivery);
    if (states.get(state.partition) === state) states.delete(state.partition);
    pending -= state.tracker.pending;
    if (state.paused) tryControl('resume', state.partition, () => control.resume(state.partition));
  }

  function current(state: PartitionState): boolean {
    return states.get(state.partition) === state && !stopping;
  }

  function backPressure(state: PartitionState): void {
    const over =
      state.tracker.pending >= options.maxPendingMessages || state.bytes >= options.maxPendingBytes;
    if (over && !state.paused) {
      state.paused = tryControl('pause', state.partition, () => control.pause(state.partition));
    } else if (!over && state.paused && state.redelivery === undefined) {
      // Resumed at half the bound, so a partition does not flap at the edge.
      const low =
        state.tracker.pending <= options.maxPendingMessages / 2 && state.bytes <= options.maxPendingBytes / 2;
      // A resume that failed is tried again by the next finish or commit tick.
      if (low) state.paused = !tryControl('resume', state.partition, () => control.resume(state.partition));
    }
  }

  /** Infrastructure failure: read the partition again from the failed message, after a pause. */
  function redeliverFrom(state: PartitionState, offset: string, err: unknown): void {
    logger.error({ err, partition: state.partition, offset }, 'event not finalized; reading it again');
    metrics.redeliveries.inc();
    reset(state);
    const retry = fresh(state.partition);
    const { partition } = retry;
    // Paused whether or not the consumer took it: batches are ignored until the seek.
    retry.paused = true;
    tryControl('pause', partition, () => control.pause(partition));
    const readAgain = () => {
      retry.redelivery = undefined;
      // Replaced (a rejoin after a crash, a rebalance): that generation reads from the
      // committed offset, which is not past this message.
      if (states.get(partition) !== retry || stopping) return;
      if (!tryControl('seek', partition, () => control.seek(partition, offset))) {
        retry.redelivery = setTimeout(readAgain, options.redeliveryDelayMs);
        return;
      }
      retry.paused = !tryControl('resume', partition, () => control.resume(partition));
    };
    retry.redelivery = setTimeout(readAgain, options.redeliveryDelayMs);
  }

  /** A message and its place: decoded once, when its batch is queued. */
  interface Item {
    m: ConsumedMessage;
    decoded: Decoded;
    finish: () => void;
  }

  /** Runs `work` through the fair scheduler, in a span of the items' traces when tracing is on. */
  function scheduled(
    state: PartitionState,
    run: Item[],
    cost: number,
    name: string,
    work: () => Promise<void>,
  ) {
    const { tracer } = options;
    const first = run[0] as Item;
    const traced = () => {
      if (!tracer) return work();
      const span = processSpan({
        topic: options.topic ?? '',
        partition: state.partition,
        group: options.group ?? '',
        offset: first.m.offset,
        headers: run.map((i) => i.m.headers),
      });
      return inSpan(tracer, name, work, span.options, span.parent);
    };
    return scheduler.use(projectKeyOf(first.decoded.event), traced, cost);
  }

  /**
   * Processes items of one user, in order: a run of plain events of one project as one task
   * (one script call), anything else one by one. Returns false once the partition's state
   * was reset (a failure, a rebalance, stopping): the rest is left unstarted, redelivered.
   */
  async function runItems(state: PartitionState, items: Item[], from: number, to: number): Promise<boolean> {
    if (!current(state)) return false;
    const first = items[from] as Item;
    const count = to - from;
    running += count;
    try {
      if (count === 1 && !processor.isPlain(first.decoded)) {
        await scheduled(state, [first], costOf(first.decoded.event), 'process event', () =>
          processor.process(first.decoded),
        );
      } else {
        const slice = items.slice(from, to);
        const run = slice.map((i) => i.decoded);
        await scheduled(state, slice, count, 'process events', () =>
          processor.processPlain(first.decoded.event.userId, run),
        );
      }
    } catch (err) {
      // From the partition's oldest unfinished message, not the failed one: messages of
      // other users before it may still be queued, and the reset drops them unstarted.
      if (current(state)) redeliverFrom(state, `${state.tracker.unfinishedFrom ?? first.m.offset}`, err);
      return false;
    } finally {
      running -= count;
      if (running === 0) idle?.();
    }
    if (states.get(state.partition) !== state) return false;
    for (let i = from; i < to; i++) {
      const item = items[i] as Item;
      item.finish();
      state.bytes -= item.m.value?.length ?? 0;
    }
    pending -= count;
    backPressure(state);
    if (state.tracker.pending === 0 && state.lagZero) progress.caughtUp(state.partition);
    return true;
  }

  /** One user's items of a batch, in offset order: consecutive plain events of a project go together. */
  async function runLane(state: PartitionState, items: Item[]): Promise<void> {
    let from = 0;
    while (from < items.length) {
      const first = items[from] as Item;
      let to = from + 1;
      if (processor.isPlain(first.decoded)) {
        const project = projectKeyOf(first.decoded.event);
        while (
          to < items.length &&
          to - from < MAX_RUN &&
          processor.isPlain((items[to] as Item).decoded) &&
          projectKeyOf((items[to] as Item).decoded.event) === project
        )
          to++;
      }
      if (!(await runItems(state, items, from, to))) return;
      from = to;
    }
  }

  /** Hands a batch's messages out: one lane task per user (fewer promises held while queued). */
  function enqueue(owner: PartitionState, topic: string, messages: ConsumedMessage[]): void {
    const byUser = new Map<string, Item[]>();
    for (const m of messages) {
      const finish = owner.tracker.add(BigInt(m.offset));
      pending++;
      owner.bytes += m.value?.length ?? 0;
      const key = m.key?.toString() ?? null;
      const where = { topic, partition: owner.partition, offset: m.offset, key, timestamp: m.timestamp };
      const decoded = processor.decode(m.value, where);
      const user = key ?? `${owner.partition}:${m.offset}`;
      const list = byUser.get(user);
      if (list) list.push({ m, decoded, finish });
      else byUser.set(user, [{ m, decoded, finish }]);
    }
    for (const [user, items] of byUser) void lanes.run(user, () => runLane(owner, items));
  }

  // One commit at a time: a tick during a slow commit joins it rather than sending another.
  const commit = singleFlight(async () => {
    const due: { state: PartitionState; offset: bigint }[] = [];
    for (const state of states.values()) {
      const offset = state.tracker.committable;
      if (offset !== undefined && offset !== state.committed) due.push({ state, offset });
    }
    if (due.length === 0) return;
    try {
      await control.commit(
        due.map(({ state, offset }) => ({ partition: state.partition, offset: `${offset}` })),
      );
      for (const { state, offset } of due) state.committed = offset;
    } catch (err) {
      // A rebalance in progress or the coordinator moving: the next commit carries it.
      logger.warn({ err }, 'offset commit failed; retrying with the next one');
    }
  });

  return {
    get pending() {
      return pending;
    },
    async handleBatch({ batch, resolveOffset }) {
      if (batch.messages.length === 0 || stopping) return;
      let state = states.get(batch.partition) ?? fresh(batch.partition);
      // Waiting to read a failed message again: this fetch raced the pause.
      if (state.redelivery !== undefined) return;
      const first = BigInt(batch.messages[0]?.offset ?? '0');
      if (state.tracker.next !== undefined && first < state.tracker.next) {
        // Read again from further back (a seek or a new generation we did not see): start over.
        reset(state);
        state = fresh(batch.partition);
      }
      // The first batch of a generation starts where the group's committed offset is.
      if (state.tracker.next === undefined) state.committed = first;
      progress.batchStarted(batch.partition);
      state.lagZero = batch.offsetLag() === '0';
      const owner = state;
      enqueue(owner, batch.topic, batch.messages);
      // The next fetch continues after this batch; committing waits for the work.
      resolveOffset(batch.lastOffset());
      backPressure(owner);
      metrics.batches.inc();
    },
    assigned(partitions) {
      for (const state of [...states.values()]) reset(state);
      progress.assigned(partitions);
    },
    commit,
    start(intervalMs) {
      ticker ??= createPeriodicTask({
        intervalMs,
        run: async () => {
          // A resume that threw (consumer restarting) is tried again here, in case no event
          // finishes to try it.
          for (const state of states.values()) if (state.paused) backPressure(state);
          await commit();
        },
        // A failed commit is logged by commit itself and carried by the next one.
        onError: () => {},
      });
      ticker.start();
    },
    async drain(timeoutMs) {
      stopping = true;
      // Not awaited: a tick under way is at most a commit, which is awaited below.
      void ticker?.stop();
      for (const state of states.values()) {
        if (state.redelivery) clearTimeout(state.redelivery);
        tryControl('pause', state.partition, () => control.pause(state.partition));
      }
      if (running > 0) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          idle = resolve;
          timer = setTimeout(resolve, timeoutMs);
        });
        clearTimeout(timer);
      }
      await commit.current;
      // `stopping` hides the states from runItems, not from the final commit.
      await commit();
    },
  };
}
