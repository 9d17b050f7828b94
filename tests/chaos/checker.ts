/**
 * The chaos suite's checker, Jepsen-style: what the clients were told (which event ids the
 * ingest acknowledged) against what Redis holds once the pipeline has drained. Pure: the
 * observations are read elsewhere, so the rules are tested without a stack.
 */

/** One event a load client generated: its client-chosen id, user and per-user seq. */
export interface SentEvent {
  id: string;
  userId: string;
  seq: number;
  /** The ingest answered 202 with status `accepted` for it (possibly on a retry). */
  acked: boolean;
}

/** The final state hash of one event, as `event:<id>` holds it (absent = null). */
export interface FinalState {
  status: string;
  attempts: string;
}

export interface Observation {
  /** The final state of every sent id, in the order of `sent`. */
  states: (FinalState | null)[];
  /** Each user's processed order list (`order:<user>`). */
  orders: Map<string, number[]>;
  /**
   * The pipeline's `processed` counter; null when events other than the load's were sent (the
   * malformed-input scenario's valid-looking bodies), so the counter cannot be attributed.
   */
  processedCounter: number | null;
  /** `inflight:*` keys left behind. */
  inflightLeft: number;
  /** Event ids in the dead-letter list and on the DLQ topic, duplicates included. */
  deadLettered: string[];
}

export interface Verdict {
  sent: number;
  acknowledged: number;
  finalized: number;
  /** Acknowledged and not finalized as processed, or missing from its user's order list. */
  lost: number;
  /** Extra applications: a seq twice in an order list, or a counter above the finalized events. */
  duplicated: number;
  /** Places where an order list does not strictly increase. */
  orderViolations: number;
  /** Finalized events whose attempts is not 1 (none of the load's events is meant to fail). */
  wrongAttempts: number;
  inflightLeft: number;
  deadLettered: number;
  dlqDuplicates: number;
  /** A few lost ids, for the failure message. */
  lostSample: string[];
}

function duplicatesIn(values: readonly (string | number)[]): number {
  const seen = new Set<string | number>();
  let dups = 0;
  for (const v of values) {
    if (seen.has(v)) dups++;
    else seen.add(v);
  }
  return dups;
}

function orderViolationsIn(list: readonly number[]): number {
  let violations = 0;
  for (let i = 1; i < list.length; i++) if ((list[i] as number) <= (list[i - 1] as number)) violations++;
  return violations;
}

export function check(sent: readonly SentEvent[], observed: Observation): Verdict {
  const ordered = new Map<string, Set<number>>();
  for (const [user, list] of observed.orders) ordered.set(user, new Set(list));
  let acknowledged = 0;
  let finalized = 0;
  let wrongAttempts = 0;
  const lostIds: string[] = [];
  sent.forEach((event, i) => {
    const state = observed.states[i] ?? null;
    const processed = state?.status === 'processed';
    if (processed) {
      finalized++;
      if (state.attempts !== '1') wrongAttempts++;
    }
    if (!event.acked) return;
    acknowledged++;
    if (!processed || !ordered.get(event.userId)?.has(event.seq)) lostIds.push(event.id);
  });
  let duplicated =
    observed.processedCounter === null ? 0 : Math.max(0, observed.processedCounter - finalized);
  let orderViolations = 0;
  for (const list of observed.orders.values()) {
    duplicated += duplicatesIn(list);
    orderViolations += orderViolationsIn(list);
  }
  return {
    sent: sent.length,
    acknowledged,
    finalized,
    lost: lostIds.length,
    duplicated,
    orderViolations,
    wrongAttempts,
    inflightLeft: observed.inflightLeft,
    deadLettered: new Set(observed.deadLettered).size,
    dlqDuplicates: duplicatesIn(observed.deadLettered),
    lostSample: lostIds.slice(0, 5),
  };
}

/** The verdict's failures in words; empty when the run met the goal. */
export function violations(v: Verdict): string[] {
  const found: string[] = [];
  if (v.acknowledged === 0) found.push('no event was acknowledged: the run proves nothing');
  if (v.lost > 0) found.push(`${v.lost} acknowledged events lost (e.g. ${v.lostSample.join(', ')})`);
  if (v.duplicated > 0) found.push(`${v.duplicated} events applied more than once`);
  if (v.orderViolations > 0) found.push(`${v.orderViolations} per-user order violations`);
  if (v.wrongAttempts > 0) found.push(`${v.wrongAttempts} events finalized with attempts other than 1`);
  if (v.inflightLeft > 0) found.push(`${v.inflightLeft} inflight:* keys left`);
  if (v.deadLettered > 0) found.push(`${v.deadLettered} events dead-lettered`);
  if (v.dlqDuplicates > 0) found.push(`${v.dlqDuplicates} duplicate dead letters`);
  return found;
}
