import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ControllerMetrics {
  leader: Gauge;
  leaderTransitions: Counter<'event'>;
  reconciles: Counter<'result'>;
  reconcileSeconds: Histogram;
  watchRestarts: Counter;
  scaleDecisions: Counter<'reason'>;
  desiredReplicas: Gauge;
  currentReplicas: Gauge;
  recommendedReplicas: Gauge;
  scaleErrors: Counter;
}

export function createControllerMetrics(registry: Registry): ControllerMetrics {
  const registers = [registry];
  return {
    leader: new Gauge({
      name: 'evh_controller_leader',
      help: '1 while this replica holds the lease and acts',
      registers,
    }),
    leaderTransitions: new Counter({
      name: 'evh_controller_leader_transitions_total',
      help: 'Leadership gained or lost by this replica',
      labelNames: ['event'],
      registers,
    }),
    reconciles: new Counter({
      name: 'evh_controller_reconcile_total',
      help: 'ProjectQuota reconciles, by result (ok, error)',
      labelNames: ['result'],
      registers,
    }),
    reconcileSeconds: new Histogram({
      name: 'evh_controller_reconcile_seconds',
      help: 'Time of one ProjectQuota reconcile',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    watchRestarts: new Counter({
      name: 'evh_controller_watch_restarts_total',
      help: 'ProjectQuota watches restarted after an error',
      registers,
    }),
    scaleDecisions: new Counter({
      name: 'evh_autoscaler_decisions_total',
      help: 'Autoscaler decisions, by reason (ScaleUp, ScaleDown, Hold, Stabilizing)',
      labelNames: ['reason'],
      registers,
    }),
    desiredReplicas: new Gauge({
      name: 'evh_autoscaler_desired_replicas',
      help: 'Replicas of the consumer Deployment the last decision asked for',
      registers,
    }),
    currentReplicas: new Gauge({
      name: 'evh_autoscaler_current_replicas',
      help: 'Replicas of the consumer Deployment when the last decision was taken (its scale)',
      registers,
    }),
    recommendedReplicas: new Gauge({
      name: 'evh_autoscaler_recommended_replicas',
      help: 'ceil(lag / lagPerReplica), clamped: what the lag alone asks for, before stabilization',
      registers,
    }),
    scaleErrors: new Counter({
      name: 'evh_autoscaler_errors_total',
      help: 'Autoscaler rounds that could not read or scale the consumer Deployment',
      registers,
    }),
  };
}
