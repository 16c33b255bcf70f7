/**
 * Dispatch benchmark: 10,000 published workflows across 1,000 communities (10 command triggers
 * each, stored through the repository as publishing stores them), then chat events dispatched
 * over Connect (HTTP/1.1) to the real service in this process: latency p50/p99 one event at a
 * time, and events/s with 16 in flight, for events that match one workflow (a run is stored)
 * and events that match none (a message that is no command, and an unknown command).
 *
 *   TEST_DATABASE=sqlite|postgresql node --import tsx bench/dispatch/run.ts [events]
 */
import { loadavg } from "node:os";
import { createClient } from "@connectrpc/connect";
import { CelExpressionCompiler } from "../../src/adapters/expressions/cel-expression-compiler.js";
import { openPersistence } from "../../src/adapters/persistence/open-persistence.js";
import { triggerPlanOf } from "../../src/domain/triggers/trigger-plan.js";
import type { Workflow } from "../../src/domain/workflow/workflow.js";
import { ApiKeyService } from "../../src/gen/waddlebot/workflow/v1/api_key_service_pb.js";
import { TriggerService } from "../../src/gen/waddlebot/workflow/v1/trigger_service_pb.js";
import { createTransport, startTestService } from "../../test/support/server-harness.js";
import { createTestDatabase } from "../../test/support/test-database.js";
import { toDefinition } from "../../test/support/workflow-fixtures.js";

const communities = 1000;
const perCommunity = 10;
const events = Number(process.argv[2] ?? 2000);

const db = await createTestDatabase();
try {
  const seedStart = performance.now();
  const persistence = await openPersistence({
    databaseUrl: db.databaseUrl,
    sqlitePath: db.sqlitePath,
  });
  const compiler = new CelExpressionCompiler();
  const now = new Date();
  for (let c = 1; c <= communities; c++) {
    await Promise.all(
      Array.from({ length: perCommunity }, async (_, k) => {
        const definition = toDefinition({
          name: "bench",
          communityId: c,
          nodes: [
            {
              id: "start",
              type: "trigger_command",
              config: { command_pattern: `!cmd${k}`, platforms: ["twitch"] },
            },
            { id: "end", type: "flow_end", config: {} },
          ],
          edges: [{ from: "start", port: "output", to: "end" }],
        });
        const workflow: Workflow = {
          workflowId: `wf-${c}-${k}`,
          communityId: c,
          entityId: 1,
          name: `bench ${c}/${k}`,
          description: "",
          tags: [],
          status: "draft",
          version: 1,
          definition,
          ownerUserId: "bench",
          createdAt: now,
          updatedAt: now,
          publishedVersion: null,
          publishedAt: null,
        };
        await persistence.workflows.create(workflow, {
          workflowId: workflow.workflowId,
          version: 1,
          name: workflow.name,
          description: "",
          tags: [],
          definition,
          createdBy: "bench",
          createdAt: now,
        });
        const published: Workflow = {
          ...workflow,
          status: "published",
          publishedVersion: 1,
          publishedAt: now,
        };
        await persistence.workflows.save(
          published,
          1,
          undefined,
          triggerPlanOf(published, compiler, () => null),
        );
      }),
    );
  }
  await persistence.close();
  const seedSeconds = (performance.now() - seedStart) / 1000;

  const svc = await startTestService({ db, env: { LOG_LEVEL: "warn" } });
  try {
    const admin = createClient(
      ApiKeyService,
      createTransport(svc.url, "connect-h1", svc.adminKey).transport,
    );
    const { secret } = await admin.createApiKey({
      name: "router",
      principal: { userId: "router", roles: [], communityIds: [], admin: false, canDispatch: true },
    });
    const client = createClient(
      TriggerService,
      createTransport(svc.url, "connect-h1", secret).transport,
    );
    let n = 0;
    const event = (message: string) => {
      n += 1;
      return {
        event: {
          eventId: `bench-${n}`,
          platform: "twitch",
          communityId: BigInt(1 + (n % communities)),
          channelId: "c",
          eventType: "message",
          user: { id: `u${n}`, name: "u", roles: [], permissions: [] },
          message,
          data: {},
        },
      };
    };
    const scenarios: [string, () => string][] = [
      ["matching (!cmdK: one workflow, a run stored)", () => `!cmd${n % perCommunity} arg`],
      ["non-matching (plain message)", () => "hello chat"],
      ["non-matching (unknown command)", () => "!nothing here"],
    ];
    const rows: string[] = [];
    for (const [name, message] of scenarios) {
      for (let i = 0; i < 200; i++) await client.dispatchChatEvent(event(message()));
      const times: number[] = [];
      for (let i = 0; i < events; i++) {
        const start = performance.now();
        await client.dispatchChatEvent(event(message()));
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      const at = (q: number) =>
        (times[Math.min(times.length - 1, Math.floor(q * times.length))] as number).toFixed(2);
      const inFlight = 16;
      const perWorker = Math.floor(events / inFlight);
      const start = performance.now();
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          for (let i = 0; i < perWorker; i++) await client.dispatchChatEvent(event(message()));
        }),
      );
      const rate = (inFlight * perWorker) / ((performance.now() - start) / 1000);
      rows.push(`| ${name} | ${at(0.5)} | ${at(0.99)} | ${rate.toFixed(0)} |`);
    }
    const [one, five] = loadavg();
    process.stdout.write(
      [
        `dispatch benchmark, ${db.dialect}: ${communities * perCommunity} published workflows in ${communities} communities (seeded in ${seedSeconds.toFixed(1)} s), ${events} events per scenario; load average ${one?.toFixed(2)} / ${five?.toFixed(2)}`,
        "",
        "| events | p50 ms (one at a time) | p99 ms | events/s (16 in flight) |",
        "|---|---|---|---|",
        ...rows,
        "",
      ].join("\n"),
    );
  } finally {
    await svc.stop();
  }
} finally {
  await db.drop();
}
