import { DomainError } from "../../errors.js";
import type { JsonValue } from "../../json.js";
import type { Clock } from "../../ports/clock.js";
import type { CompiledNode, CompiledWorkflow } from "../compile-workflow.js";
import type { CheckpointEntry, EngineCheckpoint, TrustedContext } from "../engine-types.js";
import type { VariableStore } from "../variable-store.js";
import type { FinalOutput } from "./final-output.js";
import { COMPLETED, FAILED, type Frame, SKIPPED } from "./frame.js";
import type { Loops } from "./loops.js";
import type { Propagation } from "./propagation.js";
import type { RunLimits } from "./run-limits.js";
import type { RunRecords } from "./run-records.js";
import type { RunWaits } from "./run-waits.js";

const CHECKPOINT_FORMAT = "waddlebot.engine.checkpoint/1";

/** Throws BAD_REQUEST unless `checkpoint` was taken from this execution of this workflow. */
export function checkResume(
  checkpoint: EngineCheckpoint,
  workflow: CompiledWorkflow,
  context: TrustedContext,
): void {
  if (
    checkpoint.format !== CHECKPOINT_FORMAT ||
    checkpoint.workflowId !== context.workflowId ||
    checkpoint.workflowVersion !== context.workflowVersion ||
    checkpoint.executionId !== context.executionId
  ) {
    throw DomainError.badRequest("the checkpoint belongs to another execution or format");
  }
  for (const entry of [...checkpoint.settled, ...(checkpoint.waits ?? [])]) {
    const index = workflow.nodeIndex.get(entry.nodeId);
    if (index === undefined || workflow.nodes[index]?.frame !== 0) {
      throw DomainError.badRequest(`the checkpoint names unknown top-level node "${entry.nodeId}"`);
    }
  }
}

/**
 * Durability. A checkpoint is built on demand from the run's state (nothing is copied per
 * node) and is consistent with every node_finished event so far; there is none while a loop
 * iterates. Replaying one restores the settled top-level nodes without running or reporting them.
 */
export class Checkpoints {
  constructor(
    private readonly workflow: CompiledWorkflow,
    private readonly context: TrustedContext,
    private readonly root: Frame,
    private readonly propagation: Propagation,
    private readonly records: RunRecords,
    private readonly limits: RunLimits,
    private readonly variables: VariableStore,
    private readonly finalOutput: FinalOutput,
    private readonly loops: Loops,
    private readonly waits: RunWaits,
    private readonly clock: Clock,
  ) {}

  take(): EngineCheckpoint | null {
    if (this.loops.active > 0) return null;
    const c = this.context;
    const stamp = this.finalOutput.stamp;
    return {
      format: CHECKPOINT_FORMAT,
      executionId: c.executionId,
      workflowId: c.workflowId,
      workflowVersion: c.workflowVersion,
      sequence: this.records.sequence,
      operations: this.limits.operations,
      nodesExecuted: this.records.nodesExecuted,
      failedNodes: [...this.records.failedNodes],
      elapsedMs: this.limits.elapsedBefore + (this.clock.now() - this.limits.startedAtMs),
      variables: this.variables.snapshot(),
      variableStamps: this.variables.stampsSnapshot(),
      finalOutput: this.finalOutput.value,
      finalOutputStamp: stamp === null ? null : [...stamp],
      settled: this.propagation.rootOrder.map((local) => this.entry(local)),
      waits: this.waits.entries(),
    };
  }

  /** Restores the counters and settles the checkpoint's nodes again, in their order. */
  replay(checkpoint: EngineCheckpoint): void {
    this.propagation.replaying = true;
    this.records.sequence = checkpoint.sequence;
    this.limits.operations = checkpoint.operations;
    this.records.nodesExecuted = checkpoint.nodesExecuted;
    this.records.failedNodes.push(...checkpoint.failedNodes);
    this.finalOutput.value = checkpoint.finalOutput;
    this.finalOutput.stamp = checkpoint.finalOutputStamp;
    for (const entry of checkpoint.settled) {
      const node = this.workflow.nodes[
        this.workflow.nodeIndex.get(entry.nodeId) as number
      ] as CompiledNode;
      const status =
        entry.status === "completed" ? COMPLETED : entry.status === "failed" ? FAILED : SKIPPED;
      if ((this.root.status[node.local] as number) >= COMPLETED) continue;
      this.propagation.settle(this.root, node.local, status, entry.port, entry.output);
    }
    this.propagation.replaying = false;
  }

  private entry(local: number): CheckpointEntry {
    const root = this.root;
    const status = root.status[local] as number;
    return {
      nodeId: (this.workflow.nodes[root.plan.members[local] as number] as CompiledNode).id,
      status: status === COMPLETED ? "completed" : status === FAILED ? "failed" : "skipped",
      port: root.ports[local] ?? null,
      output: status === SKIPPED ? null : (root.outs[local] as JsonValue),
    };
  }
}
