import assert from "node:assert/strict";
import type { JsonObject } from "@bufbuild/protobuf";
import type { RawEnv } from "../../../src/config.js";
import { ApiKeyService } from "../../../src/gen/waddlebot/workflow/v1/api_key_service_pb.js";
import { ExecutionService } from "../../../src/gen/waddlebot/workflow/v1/execution_service_pb.js";
import {
  type DispatchChatEventResponse,
  TriggerService,
} from "../../../src/gen/waddlebot/workflow/v1/trigger_service_pb.js";
import { WorkflowService } from "../../../src/gen/waddlebot/workflow/v1/workflow_service_pb.js";
import { startTestService, type TestService } from "../../support/server-harness.js";
import { edge, node, toCreateRequest, type WorkflowSpec } from "../../support/workflow-fixtures.js";

export const community = 501;
export const otherCommunity = 502;

export interface TriggerEnv {
  svc: TestService;
  /** A key with can_dispatch (the router's). */
  routerKey: string;
  /** The owner of the workflows: no dispatch flag. */
  ownerKey: string;
  triggers(apiKey?: string): ReturnType<TestService["connect"]> & TriggerClient;
  executions: ReturnType<typeof executionsClient>;
  publish(spec: WorkflowSpec): Promise<string>;
  archive(workflowId: string): Promise<void>;
  dispatch(event: ChatEventInit, apiKey?: string): Promise<DispatchChatEventResponse>;
  close(): Promise<void>;
}

type TriggerClient = ReturnType<typeof triggerClient>;
const triggerClient = (svc: TestService, key: string) =>
  svc.connect(TriggerService, "connect-h1", key);
const executionsClient = (svc: TestService, key: string) =>
  svc.connect(ExecutionService, "connect-h1", key);

export interface ChatEventInit {
  eventId?: string;
  platform?: string;
  communityId?: number;
  channelId?: string;
  eventType?: string;
  user?: { id?: string; name?: string; roles?: string[]; permissions?: string[] };
  message?: string;
  data?: JsonObject;
}

let eventCounter = 0;

/** A chat event with defaults (twitch, channel "chan-1", user u1/alice), a fresh id. */
export function chatEvent(init: ChatEventInit) {
  eventCounter += 1;
  return {
    eventId: init.eventId ?? `evt-${process.pid}-${eventCounter}-${Date.now()}`,
    platform: init.platform ?? "twitch",
    communityId: BigInt(init.communityId ?? community),
    channelId: init.channelId ?? "chan-1",
    eventType: init.eventType ?? "message",
    user: {
      id: init.user?.id ?? "u1",
      name: init.user?.name ?? "alice",
      roles: init.user?.roles ?? [],
      permissions: init.user?.permissions ?? [],
    },
    message: init.message ?? "",
    data: init.data ?? {},
  };
}

export async function startTriggerEnv(env: RawEnv = {}): Promise<TriggerEnv> {
  const svc = await startTestService({ env: { RUNNER_POLL_MS: "100", ...env } });
  const admin = svc.connect(ApiKeyService, "connect-h1", svc.adminKey);
  const key = async (userId: string, canDispatch: boolean) =>
    (
      await admin.createApiKey({
        name: `key ${userId}`,
        principal: {
          userId,
          roles: [],
          communityIds: [BigInt(community), BigInt(otherCommunity)],
          admin: false,
          canDispatch,
        },
      })
    ).secret;
  const routerKey = await key("router", true);
  const ownerKey = await key("owner", false);
  const workflows = svc.connect(WorkflowService, "connect-h1", ownerKey);
  const defaultTriggers = triggerClient(svc, routerKey);
  return {
    svc,
    routerKey,
    ownerKey,
    triggers: (apiKey = routerKey) =>
      (apiKey === routerKey ? defaultTriggers : triggerClient(svc, apiKey)) as never,
    executions: executionsClient(svc, ownerKey),
    async publish(spec) {
      const { workflow } = await workflows.createWorkflow(toCreateRequest(spec));
      assert.ok(workflow);
      await workflows.publishWorkflow({ workflowId: workflow.workflowId });
      return workflow.workflowId;
    },
    async archive(workflowId) {
      await workflows.deleteWorkflow({ workflowId });
    },
    async dispatch(event, apiKey = routerKey) {
      const client = apiKey === routerKey ? defaultTriggers : triggerClient(svc, apiKey);
      return client.dispatchChatEvent({ event: chatEvent(event) });
    },
    close: () => svc.close(),
  };
}

/** A command (or event) trigger whose run ends with the trigger data as its output. */
export function echoTrigger(
  config: JsonObject,
  options: { type?: "trigger_command" | "trigger_event"; communityId?: number; name?: string } = {},
): WorkflowSpec {
  const type = options.type ?? "trigger_command";
  return {
    name: options.name ?? `echo ${JSON.stringify(config).slice(0, 60)}`,
    communityId: options.communityId ?? community,
    nodes: [
      node("start", type, { platforms: ["twitch"], ...config }),
      node("end", "flow_end", { output_expression: "trigger" }),
    ],
    edges: [edge("start", "output", "end")],
  };
}

/** A command trigger whose run waits (a long delay) so it stays running. */
export function slowTrigger(config: JsonObject, delayMs = 120_000): WorkflowSpec {
  return {
    name: `slow ${JSON.stringify(config).slice(0, 60)}`,
    communityId: community,
    nodes: [
      node("start", "trigger_command", { platforms: ["twitch"], ...config }),
      node("wait", "action_delay", { delay_ms: delayMs }),
      node("end", "flow_end"),
    ],
    edges: [edge("start", "output", "wait"), edge("wait", "success", "end")],
  };
}

/** The one outcome of `workflowId` in a dispatch answer. */
export function outcomeOf(reply: DispatchChatEventResponse, workflowId: string) {
  const found = reply.outcomes.filter((o) => o.workflowId === workflowId);
  assert.equal(
    found.length,
    1,
    `one outcome for ${workflowId}: ${JSON.stringify(reply.outcomes.map((o) => o.workflowId))}`,
  );
  const outcome = found[0]?.outcome?.outcome;
  assert.ok(outcome);
  return outcome;
}

export function startedId(reply: DispatchChatEventResponse, workflowId: string): string {
  const outcome = outcomeOf(reply, workflowId);
  assert.equal(
    outcome.case,
    "started",
    `expected started, got ${outcome.case} ${JSON.stringify(outcome.value, (_k, v) => (typeof v === "bigint" ? String(v) : v))}`,
  );
  return (outcome.value as { executionId: string }).executionId;
}
