import { rowParams, Statement } from "../database/statement.js";
import type { NewRow, Row } from "../entities/index.js";

type PermissionRow = Row<"workflow_permissions">;
type PermissionKey = {
  workflowId: string;
  targetType: PermissionRow["target_type"];
  targetId: string;
};

export const grantsOf = new Statement<{ workflowId: string }, PermissionRow>(
  ({ db, param }) =>
    db
      .selectFrom("workflow_permissions")
      .selectAll()
      .where("workflow_id", "=", param("workflowId"))
      .orderBy("target_type")
      .orderBy("target_id"),
  "workflow_permissions",
);

export const grantByKey = new Statement<PermissionKey, PermissionRow>(
  ({ db, param }) =>
    db
      .selectFrom("workflow_permissions")
      .selectAll()
      .where("workflow_id", "=", param("workflowId"))
      .where("target_type", "=", param("targetType"))
      .where("target_id", "=", param("targetId")),
  "workflow_permissions",
);

/** Inserts the grant, or replaces the flags of the one for the same target. */
export const putGrant = new Statement<NewRow<"workflow_permissions">, never>((context) => {
  const row = rowParams("workflow_permissions", context);
  const { workflow_id: _w, target_type: _t, target_id: _i, ...flags } = row;
  return context.db
    .insertInto("workflow_permissions")
    .values(row)
    .onConflict((oc) => oc.columns(["workflow_id", "target_type", "target_id"]).doUpdateSet(flags));
});

export const deleteGrant = new Statement<PermissionKey, never>(({ db, param }) =>
  db
    .deleteFrom("workflow_permissions")
    .where("workflow_id", "=", param("workflowId"))
    .where("target_type", "=", param("targetType"))
    .where("target_id", "=", param("targetId")),
);

export const insertApiKey = new Statement<NewRow<"api_keys">, never>((context) =>
  context.db.insertInto("api_keys").values(rowParams("api_keys", context)),
);

export const activeApiKeyByHash = new Statement<{ secretHash: string }, Row<"api_keys">>(
  ({ db, param }) =>
    db
      .selectFrom("api_keys")
      .selectAll()
      .where("secret_hash", "=", param("secretHash"))
      .where("revoked_at", "is", null),
  "api_keys",
);

export const apiKeyById = new Statement<{ keyId: string }, Row<"api_keys">>(
  ({ db, param }) => db.selectFrom("api_keys").selectAll().where("key_id", "=", param("keyId")),
  "api_keys",
);

export const allApiKeys = new Statement<Record<string, never>, Row<"api_keys">>(
  ({ db }) => db.selectFrom("api_keys").selectAll().orderBy("created_at").orderBy("key_id"),
  "api_keys",
);

export const activeApiKeys = new Statement<Record<string, never>, Row<"api_keys">>(
  ({ db }) =>
    db
      .selectFrom("api_keys")
      .selectAll()
      .where("revoked_at", "is", null)
      .orderBy("created_at")
      .orderBy("key_id"),
  "api_keys",
);

/** Sets revoked_at once; revoking again keeps the first time. */
export const revokeApiKey = new Statement<{ keyId: string; at: Date }, never>(({ db, param }) =>
  db
    .updateTable("api_keys")
    .set({ revoked_at: param("at") })
    .where("key_id", "=", param("keyId"))
    .where("revoked_at", "is", null),
);
