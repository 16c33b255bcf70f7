/**
 * The framework floor: a server on the service's own transport stack (the one-port server,
 * connect-node, binary protobuf over h2c) whose ExecuteWorkflow does no work at all: no
 * authentication, no database, no runner. It answers with a pending execution shaped like the
 * service's. The same loads against it show what latency this stack has on this machine
 * before the service does anything. Started by `startServiceChild` with `entry` set to this
 * file (HOST and PORT from the environment).
 */
import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { OnePortServer } from "../../src/adapters/grpc/server/one-port-server.js";
import {
  Health,
  HealthCheckResponse_ServingStatus,
} from "../../src/gen/grpc/health/v1/health_pb.js";
import { ExecutionStatus } from "../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import {
  ExecuteWorkflowResponseSchema,
  ExecutionService,
} from "../../src/gen/waddlebot/workflow/v1/execution_service_pb.js";

const handler = connectNodeAdapter({
  routes(router) {
    router.service(Health, {
      check: () => ({ status: HealthCheckResponse_ServingStatus.SERVING }),
      async *watch() {
        yield { status: HealthCheckResponse_ServingStatus.SERVING };
      },
    });
    router.service(ExecutionService, {
      executeWorkflow: (request) =>
        create(ExecuteWorkflowResponseSchema, {
          execution: {
            executionId: randomUUID(),
            workflowId: request.workflowId,
            workflowVersion: 1,
            status: ExecutionStatus.PENDING,
            communityId: request.communityId,
            triggeredBy: "bench-admin",
            ...(request.trigger === undefined ? {} : { trigger: request.trigger }),
            ...(request.variables === undefined ? {} : { inputVariables: request.variables }),
            createdAt: timestampNow(),
          },
        }),
    });
  },
});

const server = await OnePortServer.listen(handler, {
  host: process.env.HOST ?? "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  tls: null,
  headersTimeoutMs: 60_000,
  requestTimeoutMs: 300_000,
  keepAliveTimeoutMs: 5_000,
  http2IdleTimeoutMs: 300_000,
});
process.once("SIGTERM", () => {
  server.stopAccepting();
  void server.drain(5_000).then(() => process.exit(0));
});
