import { envInt } from '@evh/lifecycle';

/** The broker probe's part of a service's env schema (see broker-probe.ts). */
export const brokerProbeEnvShape = {
  /** How often readiness asks the cluster whether it answers. */
  KAFKA_PROBE_INTERVAL_MS: envInt(1000, 100),
  /** A cluster that has not answered the probe in this long counts as down. */
  KAFKA_PROBE_TIMEOUT_MS: envInt(1500, 100),
};
