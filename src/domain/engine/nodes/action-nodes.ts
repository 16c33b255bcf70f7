import { resolveValuePathIn } from "../../expressions/value-path.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../../json.js";
import type { ActionResponse } from "../../ports/action-gateway.js";
import type {
  BrowserSourceConfig,
  ChatMessageConfig,
  DelayConfig,
  ModuleConfig,
  WebhookConfig,
} from "../../workflow/node-types/actions.js";
import { MAX_DELAY_MS } from "../../workflow/node-types/actions.js";
import type { NodeContext, NodeOutcome } from "../node-context.js";
import { NodeFailure } from "../node-failure.js";

/** Documented dry-run outputs (docs/nodes.md). */
export const DRY_RUN_DEFAULTS: Readonly<Record<string, JsonValue>> = {
  action_module: { status: 200, output: {} },
  action_webhook: { status: 200, body: {} },
  action_chat_message: { status: 200, message_id: "dry-run" },
  action_browser_source: { status: 200, source_updated: true },
};

/**
 * Sends one request through the gateway, bounded by `timeoutMs` on the engine clock and by the
 * run's signal. Never trusts the gateway to honour its signal: the call is raced.
 */
async function callGateway(
  ctx: NodeContext,
  timeoutMs: number,
  send: (signal: AbortSignal) => Promise<ActionResponse>,
): Promise<ActionResponse> {
  const controller = new AbortController();
  const onRunAbort = () => controller.abort(ctx.signal.reason);
  ctx.signal.addEventListener("abort", onRunAbort, { once: true });
  let timedOut = false;
  const timeout = ctx.clock.sleep(timeoutMs, controller.signal).then(
    () => {
      timedOut = true;
      controller.abort(new Error("timeout"));
      throw new NodeFailure(`timed out after ${timeoutMs} ms`);
    },
    () => new Promise<never>(() => {}),
  );
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener("abort", () => reject(controller.signal.reason), {
      once: true,
    });
  });
  try {
    return await Promise.race([send(controller.signal), timeout, aborted]);
  } catch (error) {
    if (error instanceof NodeFailure) throw error;
    if (timedOut) throw new NodeFailure(`timed out after ${timeoutMs} ms`);
    if (ctx.signal.aborted)
      throw new NodeFailure("aborted: the run stopped", "EXECUTION_ERROR", {}, false);
    throw new NodeFailure(
      `request failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    ctx.signal.removeEventListener("abort", onRunAbort);
    if (!controller.signal.aborted) controller.abort();
  }
}

function dryRun(ctx: NodeContext, request: JsonObject): NodeOutcome {
  ctx.simulate(request);
  ctx.log("dry-run: request recorded, not sent");
  const output = ctx.mock !== undefined ? ctx.mock : (DRY_RUN_DEFAULTS[ctx.node.type] ?? null);
  return { port: "success", output };
}

function httpFailure(what: string, response: ActionResponse): NodeFailure {
  return new NodeFailure(`${what} answered HTTP ${response.status}`, "EXECUTION_ERROR", {
    status: response.status,
    body: response.body,
  });
}

export async function runModuleLive(ctx: NodeContext, request: JsonObject): Promise<NodeOutcome> {
  const config = ctx.node.config as ModuleConfig;
  const response = await callGateway(ctx, config.timeoutMs, (signal) =>
    ctx.gateway.executeModule(
      {
        moduleName: config.moduleName,
        moduleVersion: config.moduleVersion,
        input: request.input as JsonObject,
        entityId: ctx.execution.entityId,
        userId: ctx.execution.userId,
        sessionId: ctx.execution.sessionId,
        timeoutMs: config.timeoutMs,
      },
      signal,
    ),
  );
  if (response.status < 200 || response.status > 299)
    throw httpFailure(`module ${config.moduleName}`, response);
  const body = response.body;
  let output: JsonValue = body;
  if (isJsonObject(body)) {
    const result = body.result;
    if (isJsonObject(result) && result.output !== undefined) output = result.output;
    else if (body.output !== undefined) output = body.output;
  }
  const outcome: NodeOutcome = { port: "success", output: { status: response.status, output } };
  applyOutputMapping(ctx, config, outcome.output);
  return outcome;
}

/** Copies output_mapping fields of `{status, output}` into variables (live and dry-run alike). */
function applyOutputMapping(ctx: NodeContext, config: ModuleConfig, nodeOutput: JsonValue): void {
  const output = isJsonObject(nodeOutput) ? (nodeOutput.output ?? null) : null;
  for (const [path, variable] of config.outputMapping) {
    const value = resolveValuePathIn(output, path);
    if (value === undefined)
      ctx.log(`output_mapping: "${path.source}" is not in the module output`);
    else ctx.writeVariable(variable, value);
  }
}

export function runModule(ctx: NodeContext): NodeOutcome | Promise<NodeOutcome> {
  const config = ctx.node.config as ModuleConfig;
  const input: JsonObject = {};
  for (const [path, param] of config.inputMapping) input[param] = ctx.resolve(path) ?? null;
  const request: JsonObject = {
    kind: "execute_module",
    module_name: config.moduleName,
    module_version: config.moduleVersion,
    input,
    entity_id: ctx.execution.entityId,
    user_id: ctx.execution.userId,
    session_id: ctx.execution.sessionId,
    timeout_ms: config.timeoutMs,
  };
  if (ctx.mode === "dry_run") {
    const outcome = dryRun(ctx, request);
    applyOutputMapping(ctx, config, outcome.output);
    return outcome;
  }
  return runModuleLive(ctx, request);
}

export function runWebhook(ctx: NodeContext): NodeOutcome | Promise<NodeOutcome> {
  const config = ctx.node.config as WebhookConfig;
  const url = config.url?.render(ctx.bindings) ?? "";
  if (!/^https?:\/\/[^\s/$.?#][^\s]*$/i.test(url)) {
    throw new NodeFailure(
      `url ${JSON.stringify(url.slice(0, 200))} is not an http(s) URL`,
      "EXECUTION_ERROR",
      {},
      false,
    );
  }
  const headers: Record<string, string> = {};
  for (const [name, template] of config.headers) headers[name] = template.render(ctx.bindings);
  const rendered = config.body?.render(ctx.bindings) ?? "";
  const body = rendered === "" ? null : rendered;
  const request: JsonObject = {
    kind: "webhook",
    url,
    method: config.method,
    headers,
    body,
    timeout_ms: config.timeoutMs,
  };
  if (ctx.mode === "dry_run") {
    const outcome = dryRun(ctx, request);
    if (config.outputVariable !== "") ctx.writeVariable(config.outputVariable, outcome.output);
    return outcome;
  }
  return (async () => {
    const response = await callGateway(ctx, config.timeoutMs, (signal) =>
      ctx.gateway.callWebhook(
        { url, method: config.method, headers, body, timeoutMs: config.timeoutMs },
        signal,
      ),
    );
    if (response.status >= 400) throw httpFailure(`webhook ${config.method} ${url}`, response);
    const output: JsonObject = { status: response.status, body: response.body };
    if (config.outputVariable !== "") ctx.writeVariable(config.outputVariable, output);
    return { port: "success", output };
  })();
}

export function runChatMessage(ctx: NodeContext): NodeOutcome | Promise<NodeOutcome> {
  const config = ctx.node.config as ChatMessageConfig;
  const message = config.message?.render(ctx.bindings) ?? "";
  const channelId =
    config.destination === "specified_channel"
      ? (config.channelId?.render(ctx.bindings) ?? "")
      : null;
  const targetUserId =
    config.destination === "user_pm" ? (config.userId?.render(ctx.bindings) ?? "") : null;
  const platform = config.platform !== "" ? config.platform : ctx.execution.platform;
  const request: JsonObject = {
    kind: "send_message",
    message,
    destination: config.destination,
    entity_id: ctx.execution.entityId,
    user_id: ctx.execution.userId,
    platform,
    reply_to_message: config.replyToMessage,
    channel_id: channelId,
    target_user_id: targetUserId,
    timeout_ms: config.timeoutMs,
  };
  if (ctx.mode === "dry_run") return dryRun(ctx, request);
  return (async () => {
    const response = await callGateway(ctx, config.timeoutMs, (signal) =>
      ctx.gateway.sendChatMessage(
        {
          message,
          destination: config.destination,
          entityId: ctx.execution.entityId,
          userId: ctx.execution.userId,
          platform,
          replyToMessage: config.replyToMessage,
          channelId,
          targetUserId,
          timeoutMs: config.timeoutMs,
        },
        signal,
      ),
    );
    if (response.status < 200 || response.status > 299) throw httpFailure("send-message", response);
    const id = isJsonObject(response.body) ? response.body.message_id : undefined;
    return { port: "success", output: { status: response.status, message_id: id ?? null } };
  })();
}

export function runBrowserSource(ctx: NodeContext): NodeOutcome | Promise<NodeOutcome> {
  const config = ctx.node.config as BrowserSourceConfig;
  const content = config.content?.render(ctx.bindings) ?? "";
  const request: JsonObject = {
    kind: "browser_source",
    source_type: config.sourceType,
    action: config.action,
    content,
    duration: config.duration,
    priority: config.priority,
    entity_id: ctx.execution.entityId,
    timeout_ms: config.timeoutMs,
  };
  if (ctx.mode === "dry_run") return dryRun(ctx, request);
  return (async () => {
    const response = await callGateway(ctx, config.timeoutMs, (signal) =>
      ctx.gateway.updateBrowserSource(
        {
          sourceType: config.sourceType,
          action: config.action,
          content,
          duration: config.duration,
          priority: config.priority,
          entityId: ctx.execution.entityId,
          timeoutMs: config.timeoutMs,
        },
        signal,
      ),
    );
    if (response.status < 200 || response.status > 299)
      throw httpFailure("browser source", response);
    return { port: "success", output: { status: response.status, source_updated: true } };
  })();
}

export function runDelay(ctx: NodeContext): NodeOutcome | Promise<NodeOutcome> {
  const config = ctx.node.config as DelayConfig;
  let ms = config.delayMs;
  if (config.delayVariable !== null) {
    const value = ctx.resolve(config.delayVariable);
    if (value !== undefined) {
      if (
        typeof value !== "number" ||
        !Number.isFinite(value) ||
        value < 0 ||
        value > MAX_DELAY_MS
      ) {
        throw new NodeFailure(
          `delay_variable "${config.delayVariable.source}" must be a number of milliseconds from 0 to ${MAX_DELAY_MS} (got ${JSON.stringify(value)})`,
          "EXECUTION_ERROR",
          {},
          false,
        );
      }
      ms = Math.round(value);
    }
  }
  if (ctx.mode === "dry_run") {
    ctx.simulate({ kind: "delay", delay_ms: ms });
    ctx.log(`dry-run: would wait ${ms} ms`);
    return { port: "success", output: { delayed_ms: ms } };
  }
  if (ms === 0) return { port: "success", output: { delayed_ms: 0 } };
  if (ctx.parkAfterMs !== null && ms >= ctx.parkAfterMs) {
    return {
      port: null,
      output: null,
      wait: { kind: "delay", wakeAtMs: ctx.clock.now() + ms, output: { delayed_ms: ms } },
    };
  }
  return ctx.clock
    .sleep(ms, ctx.signal)
    .then(() => ({ port: "success", output: { delayed_ms: ms } }));
}
