/** What a candidate read from the Lease (absent when there is none yet). */
export interface LeaseRecord {
  holder: string;
  /** The renewTime exactly as stored: only compared for change, never against our clock. */
  renewTime: string;
  durationMs: number;
}

/** When this candidate last saw the record change, by its own clock. */
export interface Observation {
  holder: string;
  renewTime: string;
  at: number;
}

export type LeaseAction =
  | { action: 'create' }
  | { action: 'renew' }
  | { action: 'takeover'; from: string }
  | { action: 'wait'; holder: string; expiresInMs: number };

export interface LeaseDecision {
  decision: LeaseAction;
  observation: Observation | undefined;
}

/**
 * client-go's leader election rule. A lease held by someone else expires when its record has
 * not changed for its duration *as measured on our own clock* since we saw it change, so two
 * candidates with skewed clocks still agree. An empty holder is a lease given up on shutdown.
 */
export function decideLease(input: {
  lease: LeaseRecord | undefined;
  identity: string;
  now: number;
  observation: Observation | undefined;
}): LeaseDecision {
  const { lease, identity, now } = input;
  if (!lease) return { decision: { action: 'create' }, observation: undefined };
  if (lease.holder === identity) return { decision: { action: 'renew' }, observation: undefined };
  if (lease.holder === '') return { decision: { action: 'takeover', from: '' }, observation: undefined };
  const seen = input.observation;
  const observation =
    seen && seen.holder === lease.holder && seen.renewTime === lease.renewTime
      ? seen
      : { holder: lease.holder, renewTime: lease.renewTime, at: now };
  const expiresInMs = observation.at + lease.durationMs - now;
  if (expiresInMs <= 0) return { decision: { action: 'takeover', from: lease.holder }, observation };
  return { decision: { action: 'wait', holder: lease.holder, expiresInMs }, observation };
}

/** A leader stops acting once it could not renew for renewDeadline, before others may take over. */
export function stillLeading(
  lastRenewedAt: number | undefined,
  now: number,
  renewDeadlineMs: number,
): boolean {
  return lastRenewedAt !== undefined && now - lastRenewedAt < renewDeadlineMs;
}
