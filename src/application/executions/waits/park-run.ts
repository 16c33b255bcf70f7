import type { Execution } from "../../../domain/execution/execution.js";
import type { NodeRun } from "../../../domain/execution/node-run.js";
import type { JsonValue } from "../../../domain/json.js";
import type { Clock } from "../../../domain/ports/clock.js";
import type { ExecutionEventBus } from "../../../ports/execution-event-bus.js";
import type {
  ExecutionRepository,
  Fence,
  ParkedRun,
  ParkOutcome,
} from "../../../ports/execution-repository.js";
import type { Logger } from "../../../ports/logger.js";
import type { RunEnd } from "../run-end.js";
import { parkedRunOf } from "./parked-run.js";

/**
 * Parks a run the engine stopped as waiting: its node records not stored yet, its checkpoint
 * and its wait are stored and its lease given up in one transaction, fenced by its claim (a
 * runner whose claim was taken over stores nothing). Once parked, watchers (on any process)
 * are told of the wait and the park is logged.
 */
export class RunParker {
  constructor(
    private readonly executions: ExecutionRepository,
    private readonly bus: ExecutionEventBus,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async park(
    execution: Execution,
    end: RunEnd,
    checkpoint: JsonValue | null,
    unstored: NodeRun[],
    fence: Fence,
  ): Promise<{ outcome: ParkOutcome; parked: ParkedRun }> {
    const parked = parkedRunOf(execution.executionId, end, checkpoint);
    const now = new Date(this.clock.now());
    const outcome = await this.executions.park(fence, parked, unstored, now);
    if (outcome === "lease_lost") return { outcome, parked };
    const wait = { reason: parked.reason, wakeAt: parked.wakeAt, nodeIds: parked.nodeIds };
    this.bus.publish({
      kind: "status",
      executionId: execution.executionId,
      time: now,
      status: "running",
      errorReason: null,
      errorMessage: null,
      wait,
    });
    this.logger.info(
      {
        event_type: "AUDIT",
        action: "execution_parked",
        result: "SUCCESS",
        user: execution.triggeredBy,
        community: execution.communityId,
        workflow_id: execution.workflowId,
        execution_id: execution.executionId,
        wait_reason: parked.reason,
        wake_at: parked.wakeAt?.toISOString() ?? null,
        wait_nodes: parked.nodeIds,
      },
      "execution parked",
    );
    return { outcome, parked };
  }
}
