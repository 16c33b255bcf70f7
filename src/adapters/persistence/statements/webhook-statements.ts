import { sql } from "kysely";
import { inList } from "../database/sql-fragments.js";
import { rowParams, Statement } from "../database/statement.js";
import type { NewRow, Row } from "../entities/index.js";

/** Inserts a hook, or updates the one of the same node, keeping its id (and so its secrets). */
export const upsertWebhook = new Statement<NewRow<"trigger_webhooks">, never>((context) =>
  context.db
    .insertInto("trigger_webhooks")
    .values(rowParams("trigger_webhooks", context))
    .onConflict((oc) =>
      oc.columns(["workflow_id", "node_id"]).doUpdateSet({
        community_id: sql.ref("excluded.community_id"),
        entity_id: sql.ref("excluded.entity_id"),
        workflow_version: sql.ref("excluded.workflow_version"),
        config: sql.ref("excluded.config"),
      } as never),
    ),
);

/** The workflow's hooks whose nodes are not in `nodeIds` (all of them for an empty list). */
export const deleteWebhooksExcept = new Statement<
  { workflowId: string; nodeIds: readonly string[] },
  never
>(({ db, dialect, param }) =>
  db
    .deleteFrom("trigger_webhooks")
    .where("workflow_id", "=", param("workflowId"))
    .where((eb) => eb.not(inList(dialect, "node_id", param.list("nodeIds")))),
);

export const webhookById = new Statement<{ hookId: string }, Row<"trigger_webhooks">>(
  ({ db, param }) =>
    db.selectFrom("trigger_webhooks").selectAll().where("hook_id", "=", param("hookId")),
  "trigger_webhooks",
);

export const webhooksOfWorkflow = new Statement<{ workflowId: string }, Row<"trigger_webhooks">>(
  ({ db, param }) =>
    db
      .selectFrom("trigger_webhooks")
      .selectAll()
      .where("workflow_id", "=", param("workflowId"))
      .orderBy("node_id"),
  "trigger_webhooks",
);

export const secretsOfWebhook = new Statement<{ hookId: string }, Row<"webhook_secrets">>(
  ({ db, param }) =>
    db
      .selectFrom("webhook_secrets")
      .selectAll()
      .where("hook_id", "=", param("hookId"))
      .orderBy("created_at", "desc")
      .orderBy("secret_id", "desc"),
  "webhook_secrets",
);

export const insertWebhookSecret = new Statement<NewRow<"webhook_secrets">, never>((context) =>
  context.db.insertInto("webhook_secrets").values(rowParams("webhook_secrets", context)),
);

export const expireOtherSecrets = new Statement<
  { hookId: string; secretId: string; expiresAt: Date },
  never
>(({ db, param }) =>
  db
    .updateTable("webhook_secrets")
    .set({ expires_at: param("expiresAt") })
    .where("hook_id", "=", param("hookId"))
    .where("secret_id", "<>", param("secretId"))
    .where((eb) =>
      eb.or([eb("expires_at", "is", null), eb("expires_at", ">", param("expiresAt"))]),
    ),
);

export const insertDelivery = new Statement<
  { hookId: string; key: string; receivedAt: Date },
  never
>(({ db, param }) =>
  db.insertInto("webhook_deliveries").values({
    hook_id: param("hookId"),
    delivery_key: param("key"),
    received_at: param("receivedAt"),
  }),
);

export const deleteDeliveries = new Statement<{ hookId: string; keys: readonly string[] }, never>(
  ({ db, dialect, param }) =>
    db
      .deleteFrom("webhook_deliveries")
      .where("hook_id", "=", param("hookId"))
      .where(inList(dialect, "delivery_key", param.list("keys"))),
);

export const pruneDeliveries = new Statement<{ before: Date }, never>(({ db, param }) =>
  db.deleteFrom("webhook_deliveries").where("received_at", "<", param("before")),
);
