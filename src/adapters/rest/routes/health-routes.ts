import type { Clock } from "../../../domain/ports/clock.js";
import { ok } from "../envelope.js";
import type { RouteDefinition } from "../route.js";

interface ServiceInfo {
  module: string;
  version: string;
}

/** Unauthenticated liveness and status, in the original module's shapes. */
export function healthRoutes(info: ServiceInfo, clock: Pick<Clock, "now">): RouteDefinition[] {
  return [
    {
      method: "GET",
      path: "/health",
      route: {
        auth: false,
        async handle() {
          // Plain JSON without the envelope, as the original's health blueprint answered.
          return {
            status: 200,
            body: {
              status: "healthy",
              module: info.module,
              version: info.version,
              timestamp: new Date(clock.now()).toISOString(),
            },
          };
        },
      },
    },
    {
      method: "GET",
      path: "/api/v1/health",
      route: {
        auth: false,
        async handle() {
          return ok({ healthy: true, module: info.module });
        },
      },
    },
    {
      method: "GET",
      path: "/api/v1/status",
      route: {
        auth: false,
        async handle() {
          return ok({
            status: "operational",
            module: info.module,
            version: info.version,
            features: { workflows_enabled: true },
          });
        },
      },
    },
  ];
}
