import type { JsonObject, JsonValue } from "../json.js";

/**
 * The engine's only way to reach other services. A real execution uses the HTTP adapter, a
 * dry-run a recorder that sends nothing. Every call must stop promptly when `signal` aborts.
 */
export interface ActionGateway {
  executeModule(request: ModuleRequest, signal: AbortSignal): Promise<ActionResponse>;
  sendChatMessage(request: ChatMessageRequest, signal: AbortSignal): Promise<ActionResponse>;
  updateBrowserSource(request: BrowserSourceRequest, signal: AbortSignal): Promise<ActionResponse>;
  callWebhook(request: WebhookRequest, signal: AbortSignal): Promise<ActionResponse>;
}

/** An HTTP-level answer. Non-2xx statuses are answers, not exceptions. */
export interface ActionResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the response was JSON, else the text. */
  body: JsonValue;
}

/** POST {ROUTER_URL}/api/v1/execute-module */
export interface ModuleRequest {
  moduleName: string;
  moduleVersion: string;
  input: JsonObject;
  entityId: number;
  userId: string;
  sessionId: string;
  timeoutMs: number;
}

/** POST {ROUTER_URL}/api/v1/send-message */
export interface ChatMessageRequest {
  message: string;
  destination: "current_channel" | "user_pm" | "specified_channel";
  entityId: number;
  userId: string;
  platform: string;
  replyToMessage: boolean;
  channelId: string | null;
  targetUserId: string | null;
  timeoutMs: number;
}

/** POST {BROWSER_SOURCE_URL}/api/v1/update */
export interface BrowserSourceRequest {
  sourceType: "general" | "ticker" | "media";
  action: "display" | "update" | "clear";
  content: string;
  duration: number;
  priority: number;
  entityId: number;
  timeoutMs: number;
}

export interface WebhookRequest {
  url: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  headers: Record<string, string>;
  /** Already templated; sent as-is (JSON content type when it parses as JSON). */
  body: string | null;
  timeoutMs: number;
}
