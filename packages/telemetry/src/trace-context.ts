import { type Context, context, propagation } from '@opentelemetry/api';

/**
 * W3C trace context carried in Kafka message headers, so a consumer's span continues the
 * ingest's trace. With tracing off the propagator is a no-op and these cost next to nothing.
 */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

export function contextFromHeaders(headers: Record<string, unknown> | undefined): Context {
  if (!headers) return context.active();
  const carrier: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined && v !== null) carrier[k] = Buffer.isBuffer(v) ? v.toString() : String(v);
  }
  return propagation.extract(context.active(), carrier);
}
