import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { Code, ConnectError } from "@connectrpc/connect";
import { errorToJsonBytes } from "@connectrpc/connect/protocol-connect";
import { setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import type { Logger } from "../../ports/logger.js";
import { withErrorInfo, withErrorMetadata } from "./errors.js";
import type { NodeRequestHandler } from "./server/one-port-server.js";
import { requestIdHeader } from "./server/request-id.js";

/**
 * A handler for paths that are not RPCs (REST, /metrics). Resolves true when it answered the
 * request, false to pass it on untouched.
 */
export type HttpFallback = (
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
) => boolean | Promise<boolean>;

/** The part of both response classes this file writes through. */
interface Answer {
  writeHead(statusCode: number, headers?: OutgoingHttpHeaders): unknown;
  addTrailers(headers: OutgoingHttpHeaders): void;
  end(): unknown;
  end(data: Uint8Array): unknown;
}

/** `/package.Service/Method`, the path shape of every RPC. */
const rpcPath = /^\/[A-Za-z_][\w.]*\.[A-Za-z_]\w*\/[A-Za-z_]\w*$/;

/**
 * Answers requests no RPC handler matched. gRPC and gRPC-Web calls get a trailers-only
 * Unimplemented and Connect calls to an RPC-shaped path a Connect Unimplemented (HTTP 404).
 * Other requests go through `fallbacks` in order; when none answers, a Connect-shaped JSON
 * NotFound. All errors carry an ErrorInfo.
 */
export function unknownRouteHandler(fallbacks: HttpFallback[], logger: Logger): NodeRequestHandler {
  return (nodeReq, nodeRes) => {
    // connect-node types them loosely; they are node:http or node:http2 objects.
    const req = nodeReq as IncomingMessage | Http2ServerRequest;
    const res = nodeRes as ServerResponse | Http2ServerResponse;
    const answer: Answer = res;
    const path = (req.url ?? "/").split("?", 1)[0] ?? "/";
    const contentType = req.headers["content-type"] ?? "";
    const requestId = String(req.headers[requestIdHeader] ?? "");
    if (contentType.startsWith("application/grpc")) {
      // Unimplemented is a 5xx code (501 in Connect's mapping): logged, as a client error.
      logger.warn(
        { action: path, request_id: requestId, code: Code.Unimplemented },
        "gRPC call of an unknown RPC answered Unimplemented",
      );
      const error = withErrorInfo(new ConnectError(`unknown RPC ${path}`, Code.Unimplemented));
      const status = Object.fromEntries(
        setTrailerStatus(
          new Headers({ [requestIdHeader]: requestId }),
          withErrorMetadata(error, { request_id: requestId }),
        ),
      );
      if (contentType.startsWith("application/grpc-web")) {
        // gRPC-Web allows the status in the headers of a body-less answer.
        answer.writeHead(200, { "content-type": contentType, ...status });
      } else {
        // gRPC reads a status from headers only in a HEADERS frame that ends the stream,
        // which the compatibility API does not produce; trailers always work.
        answer.writeHead(200, { "content-type": contentType });
        answer.addTrailers(status);
      }
      answer.end();
      return;
    }
    if (req.method === "POST" && rpcPath.test(path)) {
      sendJsonError(res, 404, new ConnectError(`unknown RPC ${path}`, Code.Unimplemented));
      return;
    }
    tryFallbacks(fallbacks, req, res).then(
      (answered) => {
        if (!answered) {
          sendJsonError(
            res,
            404,
            new ConnectError(`no route for ${req.method} ${path}`, Code.NotFound),
          );
        }
      },
      (error: unknown) => {
        logger.error(
          {
            event_type: "ERROR",
            action: `${req.method} ${path}`,
            request_id: requestId,
            result: "FAILURE",
            err: error,
          },
          "HTTP fallback handler failed",
        );
        if (!res.headersSent) {
          const internal = withErrorInfo(new ConnectError("internal error", Code.Internal));
          sendJsonError(res, 500, withErrorMetadata(internal, { request_id: requestId }));
        } else {
          res.destroy();
        }
      },
    );
  };
}

async function tryFallbacks(
  fallbacks: HttpFallback[],
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
): Promise<boolean> {
  for (const fallback of fallbacks) {
    if (await fallback(req, res)) return true;
  }
  return false;
}

function sendJsonError(res: Answer, status: number, error: ConnectError) {
  const body = errorToJsonBytes(withErrorInfo(error), undefined);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(body.byteLength),
  });
  res.end(body);
}
