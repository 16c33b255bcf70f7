import { Code, ConnectError, type Interceptor, type StreamResponse } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import {
  type Attributes,
  type Context,
  context,
  type Histogram,
  type Meter,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { isServerFault } from "../errors.js";

const headerGetter: TextMapGetter<Headers> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key) ?? undefined,
};

/**
 * One SERVER span per RPC (W3C traceparent from the request headers) with rpc.system,
 * rpc.service, rpc.method and the resulting code, plus an `rpc.server.duration` histogram.
 * For server streams the span ends when the stream does; the span's context is re-entered
 * for every message, because generators run in their consumer's async context.
 */
export function telemetryInterceptor(tracer: Tracer, meter: Meter): Interceptor {
  const duration = meter.createHistogram("rpc.server.duration", {
    description: "Duration of RPCs handled by the server",
    unit: "ms",
  });
  return (next) => async (req) => {
    const system = rpcSystem(req.header.get("content-type") ?? "");
    const attributes: Attributes = {
      "rpc.system": system,
      "rpc.service": req.service.typeName,
      "rpc.method": req.method.name,
    };
    const parent = propagation.extract(context.active(), req.header, headerGetter);
    const span = tracer.startSpan(
      `${req.service.typeName}/${req.method.name}`,
      { kind: SpanKind.SERVER, attributes },
      parent,
    );
    const spanContext = trace.setSpan(parent, span);
    const started = performance.now();
    const finish = (thrown?: unknown) =>
      end(span, duration, attributes, system, performance.now() - started, thrown);
    try {
      const res = await context.with(spanContext, () => next(req));
      if (!res.stream) {
        finish();
        return res;
      }
      return { ...res, message: traceStream(res, spanContext, finish) };
    } catch (thrown) {
      finish(thrown);
      throw thrown;
    }
  };
}

async function* traceStream(
  res: StreamResponse,
  spanContext: Context,
  finish: (thrown?: unknown) => void,
) {
  const it = res.message[Symbol.asyncIterator]();
  let thrown: unknown;
  try {
    for (;;) {
      const result = await context.with(spanContext, () => it.next());
      if (result.done === true) break;
      yield result.value;
    }
  } catch (e) {
    thrown = e;
    throw e;
  } finally {
    await it.return?.();
    finish(thrown);
  }
}

function end(
  span: Span,
  duration: Histogram,
  attributes: Attributes,
  system: string,
  elapsedMs: number,
  thrown: unknown,
): void {
  const code = thrown === undefined ? null : ConnectError.from(thrown).code;
  const codeAttributes: Attributes =
    system === "connect_rpc"
      ? { "rpc.connect_rpc.error_code": code === null ? "ok" : codeToString(code) }
      : { "rpc.grpc.status_code": code ?? 0 };
  span.setAttributes(codeAttributes);
  if (code !== null && isServerFault(code)) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: Code[code] });
    if (thrown instanceof Error && thrown.cause !== undefined) {
      span.recordException(thrown.cause instanceof Error ? thrown.cause : String(thrown.cause));
    }
  }
  span.end();
  duration.record(elapsedMs, { ...attributes, ...codeAttributes });
}

function rpcSystem(contentType: string): string {
  return contentType.startsWith("application/grpc") ? "grpc" : "connect_rpc";
}
