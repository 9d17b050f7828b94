import {
  type Context,
  context,
  type Span,
  type SpanOptions,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';

export interface Tracing {
  /** False when no exporter is configured: callers skip per-request span work entirely. */
  enabled: boolean;
  tracer: Tracer;
  shutdown(): Promise<void>;
}

/**
 * Tracing is on only when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise the API's no-op
 * tracer is returned, which costs nothing on the hot path.
 */
export function initTracing(service: string, env: Record<string, string | undefined>): Tracing {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return { enabled: false, tracer: trace.getTracer(service), shutdown: async () => {} };
  const sdk = new NodeSDK({
    serviceName: service,
    traceExporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }),
  });
  sdk.start();
  return { enabled: true, tracer: trace.getTracer(service), shutdown: () => sdk.shutdown() };
}

/**
 * Runs fn inside a span that records the error, if any: a child of the active span, or of
 * `parent` (a context read from message headers).
 */
export async function inSpan<T>(
  tracer: Tracer,
  name: string,
  fn: (span: Span) => Promise<T>,
  options: SpanOptions = {},
  parent: Context = context.active(),
): Promise<T> {
  return tracer.startActiveSpan(name, options, parent, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}
