import type {
  ConnectError,
  Interceptor,
  StreamRequest,
  StreamResponse,
  UnaryRequest,
} from "@connectrpc/connect";
import { isSpanContextValid, trace } from "@opentelemetry/api";
import { DomainError } from "../../../domain/errors.js";
import type { Logger } from "../../../ports/logger.js";
import { kPrincipal } from "../context-keys.js";
import { isServerFault, toConnectError } from "../errors.js";

/**
 * Applies the single error mapping (errors.ts) to unary calls and to server streams, and
 * logs server faults (event_type ERROR) with their cause; the client sees only the mapped
 * error.
 */
export function mapErrorsInterceptor(logger: Logger): Interceptor {
  return (next) => async (req) => {
    try {
      const res = await next(req);
      if (!res.stream) return res;
      return { ...res, message: mapStream(res, req, logger) };
    } catch (thrown) {
      throw convert(thrown, req, logger);
    }
  };
}

async function* mapStream(res: StreamResponse, req: UnaryRequest | StreamRequest, logger: Logger) {
  try {
    yield* res.message;
  } catch (thrown) {
    throw convert(thrown, req, logger);
  }
}

function convert(thrown: unknown, req: UnaryRequest | StreamRequest, logger: Logger): ConnectError {
  const spanContext = trace.getActiveSpan()?.spanContext();
  const traceId =
    spanContext !== undefined && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
  const error = toConnectError(thrown, traceId);
  if (isServerFault(error.code) && !isDeliberate(thrown)) {
    logger.error(
      {
        event_type: "ERROR",
        user: req.contextValues.get(kPrincipal)?.userId ?? null,
        community: null,
        action: `${req.service.typeName}/${req.method.name}`,
        result: "FAILURE",
        code: error.code,
        trace_id: traceId ?? null,
        err: thrown,
      },
      `rpc failed: ${error.rawMessage}`,
    );
  }
  return error;
}

/** Unavailable without an underlying cause is a decision (shutting down), not a failure. */
function isDeliberate(thrown: unknown): boolean {
  return DomainError.is(thrown) && thrown.kind === "unavailable" && thrown.cause === undefined;
}
