import type { JsonValue } from "../../../domain/json.js";
import { Statement } from "../database/statement.js";

export interface ParkParams {
  executionId: string;
  /** The claim parking it: lease_owner and claim_count must still be these. */
  owner: string;
  token: number;
  wakeAt: Date | null;
  waitReason: string;
  waitNodes: string[];
  checkpoint: JsonValue;
  /** Node runs stored in the same transaction and not counted yet (added to node_run_count). */
  added: number;
  now: Date;
}

/**
 * Parks a run its owner holds: the lease is given up and the wait recorded, so the run costs
 * no runner until the claim takes it again (wake_at due). Fenced like every runner write:
 * applies only while the run is running under the claim (`owner`, `token`), so a stale runner
 * whose run was claimed by another cannot park it.
 */
export const parkExecution = new Statement<
  ParkParams,
  { execution_id: string; cancel_requested_at: unknown }
>(({ db, param }) =>
  db
    .updateTable("workflow_executions")
    .set((eb) => ({
      checkpoint: param.json("checkpoint"),
      node_run_count: eb("node_run_count", "+", param("added")),
      // A cancel that arrived while the run was parking makes it due at once (at the cancel's
      // time; a column in one branch also gives PostgreSQL the parameter's type).
      wake_at: eb
        .case()
        .when("cancel_requested_at", "is not", null)
        .then(eb.ref("cancel_requested_at"))
        .else(eb.val(param("wakeAt")))
        .end(),
      wait_reason: param("waitReason"),
      wait_nodes: param.json("waitNodes"),
      lease_owner: null,
      lease_expires_at: null,
      updated_at: param("now"),
    }))
    .where("execution_id", "=", param("executionId"))
    .where("status", "=", "running")
    .where("lease_owner", "=", param("owner"))
    .where("claim_count", "=", param("token"))
    .returning(["execution_id", "cancel_requested_at"]),
);

/** The earliest wake-up of any parked run (workflow_executions_wake_idx: one index probe). */
export const nextWakeAt = new Statement<Record<string, never>, { wake_at: Date | null }>(
  ({ db }) =>
    db
      .selectFrom("workflow_executions")
      .select((eb) => eb.fn.min("wake_at").as("wake_at"))
      .where("wake_at", "is not", null)
      // As the claim's due source: a row that is not running can never be claimed.
      .where("status", "=", "running"),
  "workflow_executions",
);
