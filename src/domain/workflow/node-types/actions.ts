import type { CompiledTemplate } from "../../expressions/template.js";
import { parseValuePath, type ValuePath } from "../../expressions/value-path.js";
import type { ConfigReader } from "../config-reader.js";
import { defineNodeType, ERROR_PORT, type FieldDoc } from "../node-type-spec.js";
import { type RetryPolicy, readRetry, retryFieldDoc } from "./retry.js";

const actionPorts = ["success", ERROR_PORT] as const;
const portsDoc =
  "out: `success`, `error` (non-2xx answer, transport error or timeout; output `{error: {reason, message}, status?, body?}`)";
const MAX_ACTION_TIMEOUT_SECONDS = 300;

function timeoutField(fallback: number): FieldDoc {
  return {
    name: "timeout_seconds",
    type: "number",
    default: String(fallback),
    description: `Per-attempt timeout, > 0 and <= ${MAX_ACTION_TIMEOUT_SECONDS}; a timeout is a node error.`,
  };
}

function readTimeoutMs(r: ConfigReader, fallback: number): number {
  const seconds = r.number("timeout_seconds", fallback, {
    min: 0,
    exclusiveMin: true,
    max: MAX_ACTION_TIMEOUT_SECONDS,
  });
  return Math.round(seconds * 1000);
}

function template(r: ConfigReader, field: string, options: { required?: boolean } = {}) {
  return r.template(field, r.string(field, "", options));
}

export interface ModuleConfig {
  moduleName: string;
  moduleVersion: string;
  inputMapping: [ValuePath, string][];
  outputMapping: [ValuePath, string][];
  timeoutMs: number;
  retry: RetryPolicy;
}

export const actionModule = defineNodeType<ModuleConfig>({
  type: "action_module",
  category: "action",
  summary:
    "Calls a WaddleBot module through the router (POST {ROUTER_URL}/api/v1/execute-module) with the trusted entity, user and session ids. Success = HTTP 2xx; the module output is `body.result.output`, else `body.output`, else the body.",
  inputPorts: ["input"],
  portsDoc,
  dryRunDoc: "`{status: 200, output: {}}`",
  fields: [
    { name: "module_name", type: "string", default: "(required)", description: "Module to run." },
    { name: "module_version", type: "string", default: "latest", description: "Module version." },
    {
      name: "input_mapping",
      type: "{path: param}",
      default: "{}",
      description:
        "Value at each path (e.g. `trigger.message`, `count`) is sent as the named module parameter.",
    },
    {
      name: "output_mapping",
      type: "{output_path: variable}",
      default: "{}",
      description: "Copies fields of the module output into variables.",
    },
    timeoutField(30),
    retryFieldDoc,
  ],
  parse(r) {
    const mapping = (field: string, valueIsVariable: boolean): [ValuePath, string][] => {
      const out: [ValuePath, string][] = [];
      for (const [key, target] of Object.entries(r.object(field))) {
        const path = parseValuePath(key);
        if (typeof path === "string") {
          r.error(`${field}.${key}`, path);
          continue;
        }
        if (typeof target !== "string" || target === "") {
          r.error(`${field}.${key}`, "must be a non-empty string");
          continue;
        }
        if (valueIsVariable) r.variableName(`${field}.${key}`, target);
        out.push([path, target]);
      }
      return out;
    };
    return {
      moduleName: r.string("module_name", "", { required: true }),
      moduleVersion: r.string("module_version", "latest", { required: true }),
      inputMapping: mapping("input_mapping", false),
      outputMapping: mapping("output_mapping", true),
      timeoutMs: readTimeoutMs(r, 30),
      retry: readRetry(r),
    };
  },
  outputPorts: () => actionPorts,
});

const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

export interface WebhookConfig {
  url: CompiledTemplate | null;
  method: (typeof HTTP_METHODS)[number];
  headers: [string, CompiledTemplate][];
  body: CompiledTemplate | null;
  outputVariable: string;
  timeoutMs: number;
  retry: RetryPolicy;
}

export const actionWebhook = defineNodeType<WebhookConfig>({
  type: "action_webhook",
  category: "action",
  summary:
    "Sends an HTTP request (through the gateway, which applies the SSRF policy). url, header values and body_template are templates. Success = HTTP status < 400; output `{status, body}`.",
  inputPorts: ["input"],
  portsDoc,
  dryRunDoc: "`{status: 200, body: {}}`",
  fields: [
    {
      name: "url",
      type: "template",
      default: "(required)",
      description: "http:// or https:// URL.",
    },
    { name: "method", type: "string", default: "POST", description: HTTP_METHODS.join(", ") },
    { name: "headers", type: "{name: template}", default: "{}", description: "Request headers." },
    {
      name: "body_template",
      type: "template",
      default: '""',
      description: "Body; sent as JSON when it parses as JSON. Empty = no body.",
    },
    {
      name: "output_variable",
      type: "identifier",
      default: '""',
      description: "Variable that receives `{status, body}`.",
    },
    {
      name: "retry_count",
      type: "int",
      default: "0",
      description: "Extra attempts (0-9); shorthand for retry.max_attempts = retry_count + 1.",
    },
    timeoutField(10),
    retryFieldDoc,
  ],
  parse(r) {
    const urlSource = r.string("url", "", { required: true });
    const url = r.template("url", urlSource);
    const head = (urlSource.split("{{")[0] ?? "").toLowerCase();
    const schemeOk =
      /^https?:\/\//.test(head) || "http://".startsWith(head) || "https://".startsWith(head);
    if (urlSource !== "" && !schemeOk) r.error("url", "must start with http:// or https://");
    else if (
      url?.isStatic &&
      urlSource !== "" &&
      !/^https?:\/\/[^\s/$.?#][^\s]*$/i.test(urlSource)
    ) {
      r.error("url", "is not a valid http(s) URL");
    }
    const headers: [string, CompiledTemplate][] = [];
    for (const [name, value] of Object.entries(r.object("headers"))) {
      if (typeof value !== "string") {
        r.error(`headers.${name}`, "must be a string");
        continue;
      }
      const compiled = r.template(`headers.${name}`, value);
      if (compiled !== null) headers.push([name, compiled]);
    }
    const retryCount = r.number("retry_count", 0, { min: 0, max: 9, integer: true });
    if (r.has("retry") && retryCount > 0)
      r.error("retry_count", "give retry_count or retry, not both");
    return {
      url,
      method: r.oneOf("method", HTTP_METHODS, "POST"),
      headers,
      body: template(r, "body_template"),
      outputVariable: r.variableName("output_variable", r.string("output_variable", "")),
      timeoutMs: readTimeoutMs(r, 10),
      retry: readRetry(r, retryCount + 1),
    };
  },
  outputPorts: () => actionPorts,
});

const CHAT_DESTINATIONS = ["current_channel", "user_pm", "specified_channel"] as const;

export interface ChatMessageConfig {
  message: CompiledTemplate | null;
  destination: (typeof CHAT_DESTINATIONS)[number];
  channelId: CompiledTemplate | null;
  userId: CompiledTemplate | null;
  platform: string;
  replyToMessage: boolean;
  timeoutMs: number;
  retry: RetryPolicy;
}

export const actionChatMessage = defineNodeType<ChatMessageConfig>({
  type: "action_chat_message",
  category: "action",
  summary:
    "Sends a chat message through the router (POST {ROUTER_URL}/api/v1/send-message). Output `{status, message_id}`.",
  inputPorts: ["input"],
  portsDoc,
  dryRunDoc: '`{status: 200, message_id: "dry-run"}`',
  fields: [
    {
      name: "message_template",
      type: "template",
      default: "(required)",
      description: "Message text.",
    },
    {
      name: "destination",
      type: "string",
      default: "current_channel",
      description: CHAT_DESTINATIONS.join(", "),
    },
    {
      name: "channel_id",
      type: "template",
      default: '""',
      description: "Required for specified_channel.",
    },
    {
      name: "user_id",
      type: "template",
      default: '""',
      description: "Target user; required for user_pm.",
    },
    {
      name: "platform",
      type: "string",
      default: '"" (the execution\'s platform)',
      description: "Platform override.",
    },
    {
      name: "reply_to_message",
      type: "bool",
      default: "false",
      description: "Reply to the triggering message.",
    },
    timeoutField(10),
    retryFieldDoc,
  ],
  parse(r) {
    const destination = r.oneOf("destination", CHAT_DESTINATIONS, "current_channel");
    const channel = r.string("channel_id", "");
    const user = r.string("user_id", "");
    if (destination === "specified_channel" && channel.trim() === "") {
      r.error("channel_id", "is required when destination is specified_channel");
    }
    if (destination === "user_pm" && user.trim() === "") {
      r.error("user_id", "is required when destination is user_pm");
    }
    return {
      message: template(r, "message_template", { required: true }),
      destination,
      channelId: r.template("channel_id", channel),
      userId: r.template("user_id", user),
      platform: r.string("platform", ""),
      replyToMessage: r.boolean("reply_to_message", false),
      timeoutMs: readTimeoutMs(r, 10),
      retry: readRetry(r),
    };
  },
  outputPorts: () => actionPorts,
});

const SOURCE_TYPES = ["general", "ticker", "media"] as const;
const SOURCE_ACTIONS = ["display", "update", "clear"] as const;

export interface BrowserSourceConfig {
  sourceType: (typeof SOURCE_TYPES)[number];
  action: (typeof SOURCE_ACTIONS)[number];
  content: CompiledTemplate | null;
  duration: number;
  priority: number;
  timeoutMs: number;
  retry: RetryPolicy;
}

export const actionBrowserSource = defineNodeType<BrowserSourceConfig>({
  type: "action_browser_source",
  category: "action",
  summary:
    "Updates an OBS browser source (POST {BROWSER_SOURCE_URL}/api/v1/update). Output `{status, source_updated: true}`.",
  inputPorts: ["input"],
  portsDoc,
  dryRunDoc: "`{status: 200, source_updated: true}`",
  fields: [
    {
      name: "source_type",
      type: "string",
      default: "general",
      description: SOURCE_TYPES.join(", "),
    },
    { name: "action", type: "string", default: "display", description: SOURCE_ACTIONS.join(", ") },
    {
      name: "content_template",
      type: "template",
      default: '""',
      description: "Content; required unless action is clear.",
    },
    { name: "duration", type: "number", default: "10", description: "Display seconds, > 0." },
    { name: "priority", type: "int", default: "0", description: "Display priority." },
    timeoutField(10),
    retryFieldDoc,
  ],
  parse(r) {
    const action = r.oneOf("action", SOURCE_ACTIONS, "display");
    return {
      sourceType: r.oneOf("source_type", SOURCE_TYPES, "general"),
      action,
      content: template(r, "content_template", { required: action !== "clear" }),
      duration: r.number("duration", 10, { min: 0, exclusiveMin: true }),
      priority: r.number("priority", 0, { integer: true }),
      timeoutMs: readTimeoutMs(r, 10),
      retry: readRetry(r),
    };
  },
  outputPorts: () => actionPorts,
});

/** 30 days: longer delays are parked in the database (docs/engine.md, Durable waits). */
export const MAX_DELAY_MS = 30 * 24 * 60 * 60 * 1000;

export interface DelayConfig {
  delayMs: number;
  delayVariable: ValuePath | null;
}

export const actionDelay = defineNodeType<DelayConfig>({
  type: "action_delay",
  category: "action",
  summary:
    "Waits (cut short by cancellation). A value from delay_variable overrides delay_ms; values outside 0..2592000000 ms (30 days) fail the node. In a live run a delay of at least RUNNER_PARK_AFTER_MS parks the run in the database (status running, wait reason timer) instead of holding a runner; inside a loop body it waits in memory. Output `{delayed_ms}`.",
  inputPorts: ["input"],
  portsDoc: "out: `success`, `error` (bad delay value)",
  dryRunDoc: "`{delayed_ms: <n>}` immediately; the delay is logged, not waited",
  fields: [
    {
      name: "delay_ms",
      type: "int",
      default: "0",
      description: `Milliseconds, 0..${MAX_DELAY_MS}.`,
    },
    {
      name: "delay_variable",
      type: "path",
      default: '""',
      description: "Path of a number of milliseconds; overrides delay_ms when set.",
    },
  ],
  parse(r) {
    const delayMs = r.number("delay_ms", 0, { min: 0, max: MAX_DELAY_MS, integer: true });
    const delayVariable = r.path("delay_variable");
    if (delayMs === 0 && delayVariable === null)
      r.warning("delay_ms", "is 0 and no delay_variable is set");
    return { delayMs, delayVariable };
  },
  outputPorts: () => actionPorts,
});
