import { DomainError, type DomainErrorKind, type ErrorReason } from "../../domain/errors.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../../domain/json.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { IdGenerator } from "../../ports/id-generator.js";
import type { Logger } from "../../ports/logger.js";
import type { WebhookSecurity } from "../../ports/webhook-security.js";
import type { StoredWebhook, WebhookStore } from "../../ports/webhook-store.js";
import type { Auditor } from "../shared/audit.js";
import { newExecution } from "./new-execution.js";
import type { StartGuard } from "./start-guard.js";
import { stoppedError } from "./start-guard.js";
import type { TriggerAdmissionGate } from "./trigger-admission-gate.js";

export interface WebhookRequest {
  hookId: string;
  remoteAddress: string;
  /** Lower-case names. */
  headers: Readonly<Record<string, string | undefined>>;
  body: Uint8Array;
}

export interface AcceptedWebhook {
  executionId: string;
  hookId: string;
  workflowId: string;
}

/** Deliveries are remembered well past the ±5 minute timestamp window. */
const deliveryRetentionMs = 24 * 60 * 60 * 1000;
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * POST /hooks/{hook_id}: checks the caller (allow-list, signature, timestamp, replay), the size
 * and rate limits, then starts a run of the published version with the JSON body and the
 * chosen headers as trigger data. Every refusal is a clear 4xx and an audit event naming the
 * reason; the body of a refused request is never logged or stored.
 */
export class ReceiveWebhook {
  private lastPrune = 0;

  constructor(
    private readonly hooks: WebhookStore,
    private readonly security: WebhookSecurity,
    private readonly gate: TriggerAdmissionGate,
    private readonly guard: StartGuard,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly auditor: Auditor,
    private readonly logger: Logger,
    private readonly wakeRunner: () => void,
  ) {}

  async execute(request: WebhookRequest): Promise<AcceptedWebhook> {
    const caller = webhookCaller(request.hookId);
    const hook = /^wh_[A-Za-z0-9_-]{32}$/.test(request.hookId)
      ? await this.hooks.get(request.hookId)
      : null;
    const refuse = async (
      kind: DomainErrorKind,
      reason: ErrorReason,
      message: string,
      extra: Record<string, string> = {},
    ) => {
      await this.auditor.denied(
        caller,
        "receive_webhook",
        {
          communityId: hook?.communityId ?? null,
          workflowId: hook?.workflowId ?? null,
        },
        {
          hook_id: request.hookId,
          refused: reason,
          remote_address: request.remoteAddress,
          ...extra,
        },
      );
      return new DomainError(kind, reason, message, {
        metadata: { hook_id: request.hookId, ...extra },
      });
    };
    if (hook === null) throw await refuse("not_found", "WEBHOOK_NOT_FOUND", "no such webhook");
    const { config } = hook;
    if (!this.security.addressAllowed(request.remoteAddress, config.allowedIps)) {
      throw await refuse(
        "permission_denied",
        "IP_NOT_ALLOWED",
        `${request.remoteAddress} is not allowed to call this webhook`,
      );
    }
    const stop = await this.guard.stopOf(hook.communityId);
    if (stop !== null) {
      await refuse("failed_precondition", "COMMUNITY_STOPPED", "community stopped");
      throw stoppedError(stop);
    }
    if (request.body.byteLength > config.maxBodyBytes) {
      throw await refuse(
        "limit_exceeded",
        "PAYLOAD_TOO_LARGE",
        `the body is larger than ${config.maxBodyBytes} bytes`,
        {
          limit: String(config.maxBodyBytes),
        },
      );
    }
    const now = new Date(this.clock.now());
    let deliveryKeys: string[] = [];
    if (config.requireAuth || config.requireSignature) {
      const secrets = await this.openSecrets(hook, now);
      const check = this.security.verify(
        { hookId: hook.hookId, headers: request.headers, body: request.body, nowMs: now.getTime() },
        secrets,
      );
      if (!check.ok) throw await refuse("unauthenticated", check.reason, check.detail);
      deliveryKeys = check.deliveryKeys;
    } else {
      const id = request.headers["webhook-id"] ?? request.headers["x-webhook-delivery"];
      if (id !== undefined) deliveryKeys = [`id:${id}`];
    }
    const body = parseBody(request.body);
    if (body === undefined)
      throw await refuse(
        "invalid_argument",
        "INVALID_JSON",
        "the body must be JSON (an object, or empty)",
      );
    this.pruneNowAndThen(now);
    if (!(await this.hooks.recordDelivery(hook.hookId, deliveryKeys, now))) {
      throw await refuse(
        "already_exists",
        "REPLAYED_DELIVERY",
        "this delivery was accepted before",
      );
    }
    try {
      return await this.start(hook, caller, request, body, now, refuse);
    } catch (error) {
      await this.hooks.forgetDelivery(hook.hookId, deliveryKeys).catch(() => undefined);
      throw error;
    }
  }

  private async start(
    hook: StoredWebhook,
    caller: Principal,
    request: WebhookRequest,
    body: JsonValue,
    now: Date,
    refuse: (
      kind: DomainErrorKind,
      reason: ErrorReason,
      message: string,
      extra?: Record<string, string>,
    ) => Promise<DomainError>,
  ): Promise<AcceptedWebhook> {
    const headers: JsonObject = {};
    for (const name of hook.config.forwardHeaders) {
      const value = request.headers[name];
      if (value !== undefined) headers[name] = value;
    }
    const execution = newExecution({
      executionId: this.ids.next(),
      workflowId: hook.workflowId,
      workflowVersion: hook.workflowVersion,
      communityId: hook.communityId,
      entityId: hook.entityId,
      triggeredBy: caller.userId,
      trigger: {
        triggerNodeId: hook.nodeId,
        triggerSource: "webhook",
        sessionId: "",
        platform: "webhook",
        data: { hook_id: hook.hookId, body, headers, received_at: now.toISOString() },
      },
      inputVariables: {},
      idempotencyKey: null,
      createdAt: now,
    });
    const audit = this.auditor.successEvent(
      caller,
      "receive_webhook",
      {
        communityId: hook.communityId,
        workflowId: hook.workflowId,
        executionId: execution.executionId,
      },
      { hook_id: hook.hookId, remote_address: request.remoteAddress, trigger_source: "webhook" },
    );
    const { rateLimitMax, rateLimitWindowSeconds } = hook.config;
    const admission = await this.gate.admitWith(
      execution,
      audit,
      rateLimitMax === 0
        ? []
        : [
            {
              kind: "rate",
              key: `hook:${hook.hookId}`,
              max: rateLimitMax,
              windowMs: rateLimitWindowSeconds * 1000,
            },
          ],
      now.getTime(),
    );
    if (admission.kind !== "started") {
      const waitMs = admission.kind === "cooldown" ? admission.remainingMs : admission.retryAfterMs;
      throw await refuse(
        "limit_exceeded",
        "RATE_LIMITED",
        `too many calls; retry in ${waitMs} ms`,
        {
          retry_after_ms: String(waitMs),
        },
      );
    }
    this.auditor.recorded(audit);
    this.wakeRunner();
    return { executionId: execution.executionId, hookId: hook.hookId, workflowId: hook.workflowId };
  }

  private async openSecrets(hook: StoredWebhook, now: Date): Promise<string[]> {
    if (!this.security.canSeal) return [];
    const secrets = await this.hooks.secrets(hook.hookId);
    return secrets
      .filter((s) => s.expiresAt === null || s.expiresAt.getTime() > now.getTime())
      .map((s) => this.security.open(s.sealed));
  }

  private pruneNowAndThen(now: Date): void {
    if (now.getTime() - this.lastPrune < 60_000) return;
    this.lastPrune = now.getTime();
    this.hooks
      .pruneDeliveries(new Date(now.getTime() - deliveryRetentionMs))
      .catch((error: unknown) => {
        this.logger.warn({ err: error }, "pruning webhook deliveries failed");
      });
  }
}

/** Who a webhook call is audited as. */
function webhookCaller(hookId: string): Principal {
  return {
    userId: `webhook:${hookId.slice(0, 40)}`,
    roles: [],
    communityIds: [],
    admin: false,
    keyId: "",
  };
}

/** The body as JSON: empty is {}; undefined when it is not UTF-8 JSON of an object or array. */
function parseBody(bytes: Uint8Array): JsonValue | undefined {
  if (bytes.byteLength === 0) return {};
  try {
    const value = JSON.parse(decoder.decode(bytes)) as JsonValue;
    return isJsonObject(value) || Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
