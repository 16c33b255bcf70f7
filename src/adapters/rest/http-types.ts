import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";

/** HTTP/1.1 requests and HTTP/2 compatibility-API requests arrive on the same port. */
export type RestRequest = IncomingMessage | Http2ServerRequest;
export type RestResponse = ServerResponse | Http2ServerResponse;

/** The part of both response classes the adapter writes through. */
export interface ResponseSink {
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  writeHead(statusCode: number, headers?: OutgoingHttpHeaders): unknown;
  end(data: string): unknown;
  once(event: "close", listener: () => void): unknown;
}

/** Http2ServerRequest reports httpVersionMajor 2; connection headers are illegal there. */
export function isHttp2(req: RestRequest): boolean {
  return req.httpVersionMajor === 2;
}
