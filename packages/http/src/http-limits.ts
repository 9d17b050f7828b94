import { envInt } from '@evh/lifecycle';

/** The part of a service's env schema that bounds its HTTP server (see HttpLimits). */
export const httpLimitsEnvShape = {
  /** Headers, and every body that is not streamed, must arrive within this (else 408). */
  REQUEST_TIMEOUT_MS: envInt(30_000, 100),
  /** A streamed body (an upload) must average at least this, over each window (else 408). */
  UPLOAD_MIN_BYTES_PER_SEC: envInt(1024, 0),
  UPLOAD_RATE_WINDOW_MS: envInt(30_000, 100),
  /** Connections beyond this are refused (closed at once) by the server. */
  MAX_CONNECTIONS: envInt(1024, 1),
};

export interface HttpLimits {
  requestTimeoutMs: number;
  /** 0 turns the rate minimum off. */
  uploadMinBytesPerSec: number;
  uploadRateWindowMs: number;
  maxConnections: number;
}

export const defaultHttpLimits: Readonly<HttpLimits> = Object.freeze({
  requestTimeoutMs: 30_000,
  uploadMinBytesPerSec: 1024,
  uploadRateWindowMs: 30_000,
  maxConnections: 1024,
});

export function httpLimitsOf(env: {
  REQUEST_TIMEOUT_MS: number;
  UPLOAD_MIN_BYTES_PER_SEC: number;
  UPLOAD_RATE_WINDOW_MS: number;
  MAX_CONNECTIONS: number;
}): HttpLimits {
  return {
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    uploadMinBytesPerSec: env.UPLOAD_MIN_BYTES_PER_SEC,
    uploadRateWindowMs: env.UPLOAD_RATE_WINDOW_MS,
    maxConnections: env.MAX_CONNECTIONS,
  };
}
