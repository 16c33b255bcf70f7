import {
  Code,
  ConnectError,
  type Interceptor,
  type StreamRequest,
  type StreamResponse,
  type UnaryRequest,
} from "@connectrpc/connect";
import { isSpanContextValid, trace } from "@opentelemetry/api";
import { DomainError } from "../../../domain/errors.js";
import type { Logger } from "../../../ports/logger.js";
import { kPrincipal } from "../context-keys.js";
import {
  clientWentAway,
  isServerFault,
  isServerStatus,
  toConnectError,
  withErrorMetadata,
} from "../errors.js";
import { requestIdHeader } from "../server/request-id.js";

/**
 * Applies the single error mapping (errors.ts) to unary calls and to server streams. Every
 * error answered with a 5xx code is logged here once, with the request id its ErrorInfo also
 * carries: server faults (event_type ERROR) with their cause, deliberate refusals (shutting
 * down, a deadline) as warnings. A failure caused by the client going away is not the
 * service's: it is logged at info as a client disconnect. The client sees only the mapped error.
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
  const requestId = req.header.get(requestIdHeader) ?? "";
  const fields = {
    user: req.contextValues.get(kPrincipal)?.userId ?? null,
    action: `${req.service.typeName}/${req.method.name}`,
    request_id: requestId,
  };
  if (clientWentAway(req.signal) && (isServerFault(error.code) || error.code === Code.Canceled)) {
    logger.info(
      { ...fields, reason: error.rawMessage },
      "client closed the request before the answer",
    );
    return new ConnectError("the client closed the request", Code.Canceled, undefined, [], thrown);
  }
  if (!isServerStatus(error.code)) return error;
  if (isServerFault(error.code) && !isDeliberate(thrown)) {
    logger.error(
      {
        event_type: "ERROR",
        ...fields,
        community: null,
        result: "FAILURE",
        code: error.code,
        trace_id: traceId ?? null,
        err: thrown,
      },
      `rpc failed: ${error.rawMessage}`,
    );
  } else {
    logger.warn(
      { ...fields, code: error.code, message: error.rawMessage },
      `rpc answered ${Code[error.code]}`,
    );
  }
  return withErrorMetadata(error, { request_id: requestId });
}

/** Unavailable without an underlying cause is a decision (shutting down), not a failure. */
function isDeliberate(thrown: unknown): boolean {
  return DomainError.is(thrown) && thrown.kind === "unavailable" && thrown.cause === undefined;
}
