import type { ServiceImpl } from "@connectrpc/connect";
import { DomainError } from "../../../domain/errors.js";
import type { Health } from "../../../gen/grpc/health/v1/health_pb.js";
import type { HealthStatus } from "../health/health-status.js";

/**
 * Streams status changes until the client goes away or the server shuts down; on shutdown the
 * stream ends with the shutdown reason (Unavailable), after a final NOT_SERVING.
 */
export function healthWatch(health: HealthStatus): Pick<ServiceImpl<typeof Health>, "watch"> {
  return {
    async *watch(req, ctx) {
      for await (const status of health.watch(req.service, ctx.signal)) {
        yield { status };
      }
      // A client that went away needs no error; the shutdown reason is a DomainError.
      if (DomainError.is(ctx.signal.reason)) throw ctx.signal.reason;
    },
  };
}
