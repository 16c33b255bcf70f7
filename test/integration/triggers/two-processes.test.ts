import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createClient } from "@connectrpc/connect";
import { ApiKeyService } from "../../../src/gen/waddlebot/workflow/v1/api_key_service_pb.js";
import { TriggerService } from "../../../src/gen/waddlebot/workflow/v1/trigger_service_pb.js";
import { WorkflowService } from "../../../src/gen/waddlebot/workflow/v1/workflow_service_pb.js";
import { createTransport, randomAdminKey } from "../../support/server-harness.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { toCreateRequest } from "../../support/workflow-fixtures.js";
import { type ServiceProcess, spawnService, within } from "../server/service-process.js";
import { chatEvent, community, echoTrigger, slowTrigger } from "./trigger-support.js";

/**
 * Two service processes on one database dispatch the same command at the same instant: the
 * limits live in the database, so exactly as many runs start as the limit allows.
 */
describe("two processes dispatching at once", () => {
  let db: TestDatabase;
  const adminKey = randomAdminKey();
  const processes: ServiceProcess[] = [];
  const urls: string[] = [];

  before(async () => {
    db = await createTestDatabase();
    for (let i = 0; i < 2; i++) {
      const proc = spawnService({
        HOST: "127.0.0.1",
        PORT: "0",
        SQLITE_PATH: db.sqlitePath,
        ...(db.databaseUrl === undefined ? {} : { DATABASE_URL: db.databaseUrl }),
        ADMIN_API_KEY: adminKey,
        LOG_LEVEL: "info",
        RUNNER_POLL_MS: "100",
      });
      processes.push(proc);
      // The first one migrates; the second starts on the migrated database.
      const started = await within(
        proc.waitFor((l) => l.action === "start"),
        60_000,
        `start-up of process ${i + 1}`,
      );
      urls.push(String(started.url));
    }
  });
  after(async () => {
    for (const proc of processes) {
      if (proc.child.exitCode === null) {
        proc.child.kill("SIGTERM");
        await proc.exited;
      }
    }
    await db.drop();
  });

  it(
    "a cooldown admits one run and a concurrency limit of one admits one run",
    { timeout: 120_000 },
    async () => {
      const client = <T extends Parameters<typeof createClient>[0]>(
        service: T,
        url: string,
        key: string,
      ) => createClient(service, createTransport(url, "connect-h1", key).transport);
      const admin = client(ApiKeyService, urls[0] as string, adminKey);
      const { secret: routerKey } = await admin.createApiKey({
        name: "router",
        principal: {
          userId: "router",
          roles: [],
          communityIds: [BigInt(community)],
          admin: false,
          canDispatch: true,
        },
      });
      const workflows = client(WorkflowService, urls[0] as string, adminKey);
      const publish = async (spec: Parameters<typeof toCreateRequest>[0]) => {
        const { workflow } = await workflows.createWorkflow(toCreateRequest(spec));
        assert.ok(workflow);
        await workflows.publishWorkflow({ workflowId: workflow.workflowId });
        return workflow.workflowId;
      };
      const cooled = await publish(
        echoTrigger({ command_pattern: "!drop", cooldown_seconds: 600 }),
      );
      const single = await publish(
        slowTrigger({ command_pattern: "!solo", concurrency_key: "channel" }),
      );
      const dispatchers = urls.map((url) => client(TriggerService, url, routerKey));
      // Warm both connections so the dispatches below leave at the same instant.
      await Promise.all(
        dispatchers.map((d) => d.dispatchChatEvent({ event: chatEvent({ message: "hello" }) })),
      );

      const perProcess = 10;
      const fire = (message: string) =>
        Promise.all(
          dispatchers.flatMap((d) =>
            Array.from({ length: perProcess }, () =>
              d.dispatchChatEvent({ event: chatEvent({ message }) }),
            ),
          ),
        );
      const [drops, solos] = await Promise.all([fire("!drop"), fire("!solo")]);
      const kinds = (replies: typeof drops, workflowId: string) =>
        replies.map(
          (r) => r.outcomes.find((o) => o.workflowId === workflowId)?.outcome?.outcome.case,
        );
      const count = (list: (string | undefined)[], kind: string) =>
        list.filter((k) => k === kind).length;
      const dropKinds = kinds(drops, cooled);
      assert.equal(count(dropKinds, "started"), 1, dropKinds.join(","));
      assert.equal(count(dropKinds, "cooldown"), 2 * perProcess - 1, dropKinds.join(","));
      const soloKinds = kinds(solos, single);
      assert.equal(count(soloKinds, "started"), 1, soloKinds.join(","));
      assert.equal(count(soloKinds, "limited"), 2 * perProcess - 1, soloKinds.join(","));
    },
  );
});
