import { Agent } from "undici";
import type { JsonObject } from "../../domain/json.js";
import type {
  ActionGateway,
  ActionResponse,
  BrowserSourceRequest,
  ChatMessageRequest,
  ModuleRequest,
  WebhookRequest,
} from "../../domain/ports/action-gateway.js";
import { OutboundAllowList } from "./allow-list.js";
import { guardedLookup, type ResolveHost, systemResolveHost } from "./guarded-lookup.js";
import { OutboundErrors } from "./outbound-errors.js";
import { type OutboundRequest, sendRequest } from "./send-request.js";
import { SsrfPolicy } from "./ssrf-policy.js";
import { buildWebhookRequest } from "./webhook-request.js";
import { withDeadline } from "./with-deadline.js";

export interface HttpActionGatewayOptions {
  /** ROUTER_URL: operator configuration, trusted (no SSRF checks). */
  routerUrl: string;
  /** BROWSER_SOURCE_URL: operator configuration, trusted (no SSRF checks). */
  browserSourceUrl: string;
  /** Sent as `X-API-Key` to the router. */
  routerApiKey?: string | undefined;
  /** Sent as `X-API-Key` to the browser-source service. */
  browserSourceApiKey?: string | undefined;
  /** Default `WaddleBot-Workflow/1.0`. */
  userAgent?: string | undefined;
  /** Larger responses fail with PAYLOAD_TOO_LARGE. Default 1 MiB. */
  maxResponseBytes?: number | undefined;
  /** Webhook redirects followed, each re-checked. Default 5; 0 refuses to follow any. */
  maxRedirects?: number | undefined;
  /** TCP/TLS connect timeout per connection. Default 10 000 ms. */
  connectTimeoutMs?: number | undefined;
  /** Webhook SSRF protection. Default true; false only for trusted development setups. */
  ssrfProtection?: boolean | undefined;
  /** Webhook hosts opened despite the SSRF policy (see OutboundAllowList.parse). */
  allowHosts?: string | readonly string[] | undefined;
  /** Host resolution for webhooks. Default: the system resolver (dns.lookup, all addresses). */
  resolveHost?: ResolveHost | undefined;
}

const defaultUserAgent = "WaddleBot-Workflow/1.0";
const defaultMaxResponseBytes = 1024 * 1024;
const defaultMaxRedirects = 5;
const defaultConnectTimeoutMs = 10_000;

/**
 * The ActionGateway over HTTP (undici). Router and browser-source calls go to fixed, trusted
 * base URLs; webhook URLs come from workflow definitions and pass the SSRF policy on every hop,
 * with DNS checked inside the connection's own lookup. Non-2xx statuses are returned; transport
 * failures, timeouts and refusals throw DomainErrors; a caller abort rejects with its reason.
 * Retries are the engine's business.
 */
export class HttpActionGateway implements ActionGateway {
  private readonly routerUrl: URL;
  private readonly browserSourceUrl: URL;
  private readonly routerApiKey: string | undefined;
  private readonly browserSourceApiKey: string | undefined;
  private readonly userAgent: string;
  private readonly maxResponseBytes: number;
  private readonly maxRedirects: number;
  private readonly policy: SsrfPolicy;
  private readonly trustedAgent: Agent;
  private readonly webhookAgent: Agent;

  constructor(options: HttpActionGatewayOptions) {
    this.routerUrl = baseUrl("routerUrl", options.routerUrl);
    this.browserSourceUrl = baseUrl("browserSourceUrl", options.browserSourceUrl);
    this.routerApiKey = options.routerApiKey || undefined;
    this.browserSourceApiKey = options.browserSourceApiKey || undefined;
    this.userAgent = options.userAgent ?? defaultUserAgent;
    this.maxResponseBytes = positiveInteger(
      "maxResponseBytes",
      options.maxResponseBytes ?? defaultMaxResponseBytes,
    );
    this.maxRedirects = nonNegativeInteger(
      "maxRedirects",
      options.maxRedirects ?? defaultMaxRedirects,
    );
    const connectTimeout = positiveInteger(
      "connectTimeoutMs",
      options.connectTimeoutMs ?? defaultConnectTimeoutMs,
    );
    this.policy = new SsrfPolicy(
      OutboundAllowList.parse(options.allowHosts),
      options.ssrfProtection ?? true,
    );
    this.trustedAgent = new Agent({ connect: { timeout: connectTimeout } });
    this.webhookAgent = new Agent({
      connect: {
        timeout: connectTimeout,
        lookup: guardedLookup(this.policy, options.resolveHost ?? systemResolveHost),
      },
    });
  }

  executeModule(request: ModuleRequest, signal: AbortSignal): Promise<ActionResponse> {
    return this.postTrusted(
      "router execute-module",
      this.routerUrl,
      "api/v1/execute-module",
      this.routerApiKey,
      {
        module_name: request.moduleName,
        module_version: request.moduleVersion,
        input: request.input,
        entity_id: request.entityId,
        user_id: request.userId,
        session_id: request.sessionId,
      },
      request.timeoutMs,
      signal,
    );
  }

  sendChatMessage(request: ChatMessageRequest, signal: AbortSignal): Promise<ActionResponse> {
    const body: JsonObject = {
      message: request.message,
      destination: request.destination,
      entity_id: request.entityId,
      user_id: request.userId,
      platform: request.platform,
      reply_to_message: request.replyToMessage,
    };
    if (request.channelId !== null) body.channel_id = request.channelId;
    if (request.targetUserId !== null) body.target_user_id = request.targetUserId;
    return this.postTrusted(
      "router send-message",
      this.routerUrl,
      "api/v1/send-message",
      this.routerApiKey,
      body,
      request.timeoutMs,
      signal,
    );
  }

  updateBrowserSource(request: BrowserSourceRequest, signal: AbortSignal): Promise<ActionResponse> {
    return this.postTrusted(
      "browser-source update",
      this.browserSourceUrl,
      "api/v1/update",
      this.browserSourceApiKey,
      {
        source_type: request.sourceType,
        action: request.action,
        content: request.content,
        duration: request.duration,
        priority: request.priority,
        entity_id: request.entityId,
      },
      request.timeoutMs,
      signal,
    );
  }

  async callWebhook(request: WebhookRequest, signal: AbortSignal): Promise<ActionResponse> {
    const outbound = buildWebhookRequest(request, this.userAgent);
    const target = `webhook to ${outbound.url.host}`;
    return this.exchange(target, request.timeoutMs, signal, (deadlineSignal) =>
      sendRequest(outbound, {
        dispatcher: this.webhookAgent,
        signal: deadlineSignal,
        target,
        maxResponseBytes: this.maxResponseBytes,
        redirects: { max: this.maxRedirects, check: (url) => this.policy.checkUrl(url) },
      }),
    );
  }

  /** Closes idle connections and waits for in-flight requests. */
  async close(): Promise<void> {
    await Promise.all([this.trustedAgent.close(), this.webhookAgent.close()]);
  }

  private async postTrusted(
    target: string,
    base: URL,
    path: string,
    apiKey: string | undefined,
    body: JsonObject,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<ActionResponse> {
    const headers: Record<string, string> = {
      accept: "application/json",
      "content-type": "application/json",
      "user-agent": this.userAgent,
    };
    if (apiKey !== undefined) headers["x-api-key"] = apiKey;
    const request: OutboundRequest = {
      url: new URL(path, base),
      method: "POST",
      headers,
      body: JSON.stringify(body),
    };
    return this.exchange(target, timeoutMs, signal, (deadlineSignal) =>
      sendRequest(request, {
        dispatcher: this.trustedAgent,
        signal: deadlineSignal,
        target,
        maxResponseBytes: this.maxResponseBytes,
        redirects: null,
      }),
    );
  }

  private async exchange(
    target: string,
    timeoutMs: number,
    signal: AbortSignal,
    run: (signal: AbortSignal) => Promise<ActionResponse>,
  ): Promise<ActionResponse> {
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw OutboundErrors.invalidRequest(`${target}: timeout must be a positive number of ms`);
    }
    return withDeadline(signal, timeoutMs, () => OutboundErrors.timedOut(target, timeoutMs), run);
  }
}

/** The base keeps its path: `http://router/prefix` + `api/v1/x` = `http://router/prefix/api/v1/x`. */
function baseUrl(name: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${name} is not a valid URL: ${value}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`${name} must be an http or https URL: ${value}`);
  }
  if (!url.pathname.endsWith("/")) url.pathname = `${url.pathname}/`;
  url.search = "";
  url.hash = "";
  return url;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive integer`);
  }
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new TypeError(`${name} must be a non-negative integer`);
  }
  return value;
}
