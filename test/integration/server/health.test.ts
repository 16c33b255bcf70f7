import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  Health,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../../../src/gen/grpc/health/v1/health_pb.js";
import { ErrorInfoSchema } from "../../../src/gen/waddlebot/workflow/v1/errors_pb.js";
import { startTestService, type TestService } from "../../support/server-harness.js";
import { expectConnectError, expectGrpcJsError } from "./expect-error.js";
import { GrpcJsClient, grpc } from "./grpc-js-client.js";

describe("grpc.health.v1.Health", () => {
  let svc: TestService;
  let grpcJs: GrpcJsClient;
  before(async () => {
    svc = await startTestService();
    grpcJs = new GrpcJsClient(`127.0.0.1:${svc.port}`);
    svc.onStop(() => grpcJs.close());
  });
  after(() => svc.close());

  it("reports SERVING for the server and each registered service", async () => {
    const health = svc.connect(Health, "connect-h2");
    for (const service of ["", "grpc.health.v1.Health", "waddlebot.workflow.v1.ApiKeyService"]) {
      assert.equal((await health.check({ service })).status, ServingStatus.SERVING, service);
    }
  });

  it("answers NOT_FOUND for a service it does not serve", async () => {
    const health = svc.connect(Health, "grpc-web");
    await expectConnectError(health.check({ service: "nope.Service" }), Code.NotFound, "NOT_FOUND");
    await expectGrpcJsError(
      grpcJs.unary(Health.method.check, { service: "nope.Service" }),
      grpc.status.NOT_FOUND,
      "NOT_FOUND",
    );
  });

  it("streams SERVICE_UNKNOWN from Watch for an unknown service", async () => {
    const health = svc.connect(Health, "connect-h1");
    const controller = new AbortController();
    for await (const message of health.watch(
      { service: "nope.Service" },
      { signal: controller.signal },
    )) {
      assert.equal(message.status, ServingStatus.SERVICE_UNKNOWN);
      break;
    }
    controller.abort();
  });

  it("ends Watch streams at shutdown with NOT_SERVING, then Unavailable, on every protocol", async () => {
    const streams = (["connect-h1", "connect-h2", "grpc-web"] as const).map(async (protocol) => {
      const statuses: ServingStatus[] = [];
      try {
        for await (const message of svc.connect(Health, protocol).watch({})) {
          statuses.push(message.status);
          if (statuses.length === 1) started();
        }
        return { protocol, statuses, error: undefined };
      } catch (e) {
        return { protocol, statuses, error: ConnectError.from(e) };
      }
    });
    let count = 0;
    let started!: () => void;
    const allStarted = new Promise<void>((resolve) => {
      started = () => {
        count++;
        if (count === 3) resolve();
      };
    });
    await allStarted;
    const stopped = svc.stop();
    for (const { protocol, statuses, error } of await Promise.all(streams)) {
      assert.deepEqual(statuses, [ServingStatus.SERVING, ServingStatus.NOT_SERVING], protocol);
      assert.equal(error?.code, Code.Unavailable, protocol);
      assert.equal(error?.findDetails(ErrorInfoSchema)[0]?.reason, "UNAVAILABLE", protocol);
    }
    await stopped;
    assert.equal(svc.logs.find((l) => l.level === "error").length, 0, "shutdown is no error");
  });
});
