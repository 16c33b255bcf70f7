import type { ServiceImpl } from "@connectrpc/connect";
import { DomainError } from "../../../domain/errors.js";
import type { Health } from "../../../gen/grpc/health/v1/health_pb.js";
import type { HealthStatus } from "../health/health-status.js";

export function healthCheck(health: HealthStatus): Pick<ServiceImpl<typeof Health>, "check"> {
  return {
    check(req) {
      const status = health.status(req.service);
      if (status === null) {
        throw DomainError.notFound(`unknown service "${req.service}"`, { service: req.service });
      }
      return { status };
    },
  };
}
