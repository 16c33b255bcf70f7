import { DomainError } from "../../domain/errors.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { IdGenerator } from "../../ports/id-generator.js";
import type { WebhookSecurity } from "../../ports/webhook-security.js";
import type { StoredWebhook, WebhookStore } from "../../ports/webhook-store.js";
import { checkIds, InputCheck } from "../input-limits/input-check.js";
import type { Auditor } from "../shared/audit.js";
import type { WorkflowAccess } from "../workflows/workflow-access.js";

export interface WebhookSecretInfo {
  secretId: string;
  createdAt: Date;
  expiresAt: Date | null;
}

export interface WebhookInfo {
  hook: StoredWebhook;
  /** Metadata only: secrets are never shown after creation. */
  secrets: WebhookSecretInfo[];
}

export interface RotatedSecret {
  secretId: string;
  /** Shown once, here. */
  secret: string;
  /** When the hook's previous secrets stop verifying. */
  previousExpireAt: Date;
}

const maxOverlapSeconds = 7 * 24 * 3600;

/** The webhooks of a workflow (needs can_view) and their secrets (rotation needs can_edit). */
export class ManageWebhooks {
  constructor(
    private readonly hooks: WebhookStore,
    private readonly security: WebhookSecurity,
    private readonly access: WorkflowAccess,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly auditor: Auditor,
  ) {}

  async list(principal: Principal, workflowId: string): Promise<WebhookInfo[]> {
    checkIds({ workflow_id: workflowId });
    await this.access.require(principal, workflowId, "can_view", "list_webhooks");
    const hooks = await this.hooks.ofWorkflow(workflowId);
    return Promise.all(
      hooks.map(async (hook) => ({
        hook,
        secrets: (await this.hooks.secrets(hook.hookId)).map(
          ({ secretId, createdAt, expiresAt }) => ({
            secretId,
            createdAt,
            expiresAt,
          }),
        ),
      })),
    );
  }

  /**
   * A new secret for the hook, returned once and stored sealed; the previous ones keep
   * verifying for `overlapSeconds` (0..7 days), so senders can switch without a gap.
   */
  async rotateSecret(
    principal: Principal,
    hookId: string,
    overlapSeconds: number,
  ): Promise<RotatedSecret> {
    const check = new InputCheck();
    check.id(hookId, "hook_id");
    if (
      !Number.isInteger(overlapSeconds) ||
      overlapSeconds < 0 ||
      overlapSeconds > maxOverlapSeconds
    ) {
      check.add("overlap_seconds", `overlap_seconds must be 0 to ${maxOverlapSeconds}`);
    }
    check.throwIfAny("invalid rotate request");
    const hook = await this.hooks.get(hookId);
    if (hook === null) throw DomainError.notFound(`webhook ${hookId} not found`);
    await this.access.require(principal, hook.workflowId, "can_edit", "rotate_webhook_secret");
    if (!this.security.canSeal) {
      throw new DomainError(
        "failed_precondition",
        "FAILED_PRECONDITION",
        "webhook secrets need WEBHOOK_SECRET_KEY (32 bytes, base64 or hex) in the service's environment",
      );
    }
    const now = new Date(this.clock.now());
    const secret = this.security.newSecret();
    const secretId = this.ids.next();
    const previousExpireAt = new Date(now.getTime() + overlapSeconds * 1000);
    const audit = this.auditor.successEvent(
      principal,
      "rotate_webhook_secret",
      { communityId: hook.communityId, workflowId: hook.workflowId },
      { hook_id: hookId, secret_id: secretId, overlap_seconds: overlapSeconds },
    );
    await this.hooks.addSecret(
      hookId,
      { secretId, sealed: this.security.seal(secret), createdAt: now, expiresAt: null },
      previousExpireAt,
      audit,
    );
    this.auditor.recorded(audit);
    return { secretId, secret, previousExpireAt };
  }
}
