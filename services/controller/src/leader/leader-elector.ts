import { createPeriodicTask } from '@evh/lifecycle';
import { type CoordinationV1Api, type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { isConflict, isNotFound } from '../kube/api-status.js';
import { decideLease, type LeaseRecord, type Observation, stillLeading } from './lease-decision.js';

export interface LeaderElectorOptions {
  api: CoordinationV1Api;
  namespace: string;
  name: string;
  identity: string;
  /** Others may take over when the lease was not renewed for this long. */
  durationMs: number;
  /** The leader stops acting when it could not renew for this long (< durationMs). */
  renewDeadlineMs: number;
  /** How often candidates try and the leader renews. */
  retryPeriodMs: number;
  onStartedLeading(): Promise<void> | void;
  onStoppedLeading(): Promise<void> | void;
  logger: Pick<Logger, 'info' | 'warn'>;
  now?: () => number;
}

export interface LeaderElector {
  start(): void;
  /** Stops acting, then gives the lease up so another replica takes over at once. */
  stop(): Promise<void>;
  readonly leading: boolean;
  /** Who held the lease at the last look ('' for nobody), and when the API last answered. */
  readonly holder: string | undefined;
  readonly lastContactAt: number | undefined;
}

const record = (lease: V1Lease): LeaseRecord => ({
  holder: lease.spec?.holderIdentity ?? '',
  renewTime: String(lease.spec?.renewTime ?? ''),
  durationMs: (lease.spec?.leaseDurationSeconds ?? 0) * 1000,
});

/**
 * Leader election on a coordination.k8s.io Lease, the way client-go does it: the holder
 * renews every retry period, the others take over once it stopped changing for its duration,
 * and a replaced write (409) means someone else won. The callbacks run one after the other.
 */
export function createLeaderElector(options: LeaderElectorOptions): LeaderElector {
  const now = options.now ?? Date.now;
  const { api, namespace, name, identity } = options;
  let leading = false;
  let lastRenewedAt: number | undefined;
  let observation: Observation | undefined;
  let holder: string | undefined;
  let lastContactAt: number | undefined;
  let transitions: Promise<void> = Promise.resolve();
  let stopping: Promise<void> | undefined;

  function transition(to: boolean): void {
    if (leading === to) return;
    leading = to;
    options.logger.info(
      { identity, lease: `${namespace}/${name}` },
      to ? 'started leading' : 'stopped leading',
    );
    const callback = to ? options.onStartedLeading : options.onStoppedLeading;
    transitions = transitions.then(async () => {
      try {
        await callback();
      } catch (err) {
        options.logger.warn({ err }, 'leadership callback failed');
      }
    });
  }

  function spec(at: number, previous: V1Lease | undefined, takeover: boolean) {
    const old = previous?.spec;
    return {
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(options.durationMs / 1000),
      renewTime: new V1MicroTime(at),
      acquireTime: takeover || !old?.acquireTime ? new V1MicroTime(at) : old.acquireTime,
      leaseTransitions: (old?.leaseTransitions ?? 0) + (takeover && old ? 1 : 0),
    };
  }

  async function tryAcquireOrRenew(): Promise<void> {
    const at = now();
    let lease: V1Lease | undefined;
    try {
      lease = await api.readNamespacedLease({ name, namespace });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    lastContactAt = at;
    const decided = decideLease({ lease: lease && record(lease), identity, now: at, observation });
    observation = decided.observation;
    const { decision } = decided;
    holder = lease ? record(lease).holder : undefined;
    if (decision.action === 'wait') {
      transition(false);
      return;
    }
    if (decision.action === 'create') {
      await api.createNamespacedLease({
        namespace,
        body: { metadata: { name, namespace }, spec: spec(at, undefined, true) },
      });
    } else {
      const takeover = decision.action === 'takeover';
      const body: V1Lease = { ...(lease as V1Lease), spec: spec(at, lease, takeover) };
      await api.replaceNamespacedLease({ name, namespace, body });
    }
    holder = identity;
    lastRenewedAt = at;
    transition(true);
  }

  async function tick(): Promise<void> {
    try {
      await tryAcquireOrRenew();
    } catch (err) {
      // 409: another candidate wrote the lease between our read and write; it won this round.
      if (!isConflict(err)) options.logger.warn({ err }, 'lease read or write failed');
    }
    if (leading && !stillLeading(lastRenewedAt, now(), options.renewDeadlineMs)) transition(false);
  }

  // The first try at once (a replica starting should lead as soon as it may); tick reports
  // its own failures, so the loop has none to report.
  const loop = createPeriodicTask({
    intervalMs: options.retryPeriodMs,
    runAtStart: true,
    run: tick,
    onError: () => {},
  });

  async function release(): Promise<void> {
    try {
      const lease = await api.readNamespacedLease({ name, namespace });
      if (lease.spec?.holderIdentity !== identity) return;
      const at = now();
      await api.replaceNamespacedLease({
        name,
        namespace,
        body: {
          ...lease,
          spec: {
            ...lease.spec,
            holderIdentity: '',
            leaseDurationSeconds: 1,
            renewTime: new V1MicroTime(at),
          },
        },
      });
    } catch (err) {
      options.logger.warn({ err }, 'giving up the lease failed; it expires by itself');
    }
  }

  return {
    get leading() {
      return leading;
    },
    get holder() {
      return holder;
    },
    get lastContactAt() {
      return lastContactAt;
    },
    start: () => loop.start(),
    stop() {
      stopping ??= (async () => {
        await loop.stop();
        const wasLeading = leading;
        transition(false);
        await transitions;
        if (wasLeading) await release();
      })();
      return stopping;
    },
  };
}
