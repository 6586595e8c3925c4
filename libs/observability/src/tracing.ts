export type { Span } from "@opentelemetry/api";

import { ROOT_CONTEXT, type Span, type SpanContext, SpanKind, TraceFlags, trace } from "@opentelemetry/api";
import { parseTraceParent } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  TracerProvider,
} from "@opentelemetry/sdk-trace";

const TRACER = "loginguard";

let provider: TracerProvider | undefined;

/**
 * Turns tracing on for this process (docs/ARCHITECTURE.md section 9): spans go to `exporter`
 * (tests: the SDK's InMemorySpanExporter, exported at once) or, with `otlpEndpoint`
 * (OTEL_EXPORTER_OTLP_ENDPOINT), to an OTLP/HTTP collector in batches. Without either nothing is
 * recorded: spans are no-ops and a login's incoming traceparent is passed on unchanged.
 */
export function configureTracing(options: { otlpEndpoint?: string; exporter?: SpanExporter }): void {
  const processor = options.exporter
    ? new SimpleSpanProcessor({ exporter: options.exporter })
    : options.otlpEndpoint
      ? new BatchSpanProcessor({
          exporter: new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/+$/, "")}/v1/traces` }),
        })
      : undefined;
  if (!processor) return;
  provider = new TracerProvider({ spanProcessors: [processor] });
  trace.setGlobalTracerProvider(provider);
}

/** Flushes and stops the exporter (at shutdown). */
export async function shutdownTracing(): Promise<void> {
  await provider?.shutdown();
  provider = undefined;
  trace.disable();
}

/**
 * Starts a span named `name` as a child of `traceparent` (W3C `00-<trace>-<span>-<flags>`), or as
 * a new trace without one. The caller ends it.
 */
export function startSpan(
  name: string,
  traceparent: string | undefined,
  attributes: Record<string, string> = {},
): Span {
  const parent = traceparent ? parseTraceParent(traceparent) : null;
  const ctx = parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
  return trace.getTracer(TRACER).startSpan(name, { kind: SpanKind.CONSUMER, attributes }, ctx);
}

/** The W3C traceparent of a span; undefined when it has no valid context (nobody traces). */
export function traceparentOf(span: Span): string | undefined {
  const c: SpanContext = span.spanContext();
  if (!trace.isSpanContextValid(c)) return undefined;
  const flags = (c.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? "01" : "00";
  return `00-${c.traceId}-${c.spanId}-${flags}`;
}

/** The trace id in a traceparent, for log lines. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent ? parseTraceParent(traceparent)?.traceId : undefined;
}
