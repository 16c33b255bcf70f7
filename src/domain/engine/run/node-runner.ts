import type { ErrorReason } from "../../errors.js";
import type { NodeRun } from "../../execution/node-run.js";
import { ExpressionError } from "../../expressions/expression-error.js";
import type { JsonObject, JsonValue } from "../../json.js";
import type { Clock } from "../../ports/clock.js";
import { NO_RETRY, type RetryPolicy } from "../../workflow/node-types/retry.js";
import type { CompiledNode, CompiledWorkflow } from "../compile-workflow.js";
import { jsonSize } from "../json-size.js";
import { messageOf, NodeFailure, RunLimitError } from "../node-failure.js";
import type { FinalOutput } from "./final-output.js";
import { type Arrival, COMPLETED, FAILED, type Frame, READY, RUNNING } from "./frame.js";
import type { NodeAttempts, Outcome } from "./node-attempts.js";
import type { ParallelRegions } from "./parallel-regions.js";
import type { Propagation } from "./propagation.js";
import type { RunControl } from "./run-control.js";
import type { RunLimits } from "./run-limits.js";
import type { RunRecords } from "./run-records.js";
import type { Scheduler } from "./scheduler.js";

export type StartLoop = (
  frame: Frame,
  local: number,
  node: CompiledNode,
  record: NodeRun,
  input: JsonValue,
) => void;

/**
 * Starts ready nodes and finishes them. A node's outcome fires its port; a node error goes out
 * on its `error` port when that is connected and fails the run otherwise; a run-level limit
 * always fails the run. Synchronous nodes finish without awaiting.
 */
export class NodeRunner {
  constructor(
    private readonly workflow: CompiledWorkflow,
    private readonly control: RunControl,
    private readonly scheduler: Scheduler,
    private readonly limits: RunLimits,
    private readonly records: RunRecords,
    private readonly propagation: Propagation,
    private readonly regions: ParallelRegions,
    private readonly finalOutput: FinalOutput,
    private readonly attempts: NodeAttempts,
    private readonly clock: Clock,
    private readonly startLoop: StartLoop,
  ) {}

  start(frame: Frame, local: number): void {
    if (frame.status[local] !== READY) return;
    const node = this.workflow.nodes[frame.plan.members[local] as number] as CompiledNode;
    if (frame.broken) {
      this.propagation.skip(frame, local, "the loop was broken before this node started");
      return;
    }
    if (!node.enabled) {
      this.propagation.skip(frame, local, "the node is disabled");
      return;
    }
    // One clock reading per node start: the deadline check, the time slice and the record's start.
    const nowMs = this.clock.now();
    this.scheduler.lastStartMs = nowMs;
    if (!this.limits.countOperation(node, nowMs)) return;
    frame.status[local] = RUNNING;
    const input = inputOf(frame, local);
    const record = this.records.open(frame, node, input, nowMs);
    frame.records[local] = record;
    this.records.nodesExecuted++;
    if (node.bodyFrame >= 0) {
      this.startLoop(frame, local, node, record, input);
      return;
    }
    const policy = (node.config as { retry?: RetryPolicy }).retry ?? NO_RETRY;
    const outcome = this.attempts.run(frame, node, record, input, policy, 1);
    if (outcome instanceof Promise) {
      this.scheduler.running++;
      this.limits.armTimers();
      outcome.then((result) => {
        this.scheduler.running--;
        if (this.control.closed) return;
        try {
          this.finish(frame, local, node, record, result);
        } catch (error) {
          this.control.crash(error);
        }
        this.scheduler.pump();
      });
    } else {
      this.finish(frame, local, node, record, outcome);
    }
  }

  finish(frame: Frame, local: number, node: CompiledNode, record: NodeRun, outcome: Outcome): void {
    if (this.control.closed) return;
    if (outcome.ok) {
      const { port, output, control } = outcome.value;
      const maxOutputBytes = this.limits.values.maxOutputBytes;
      const size = jsonSize(output, maxOutputBytes + 1);
      if (size > maxOutputBytes) {
        this.fail(
          frame,
          local,
          record,
          "PAYLOAD_TOO_LARGE",
          `the output of "${node.id}" is larger than ${maxOutputBytes} bytes`,
          node,
        );
        return;
      }
      if (control === "end") this.finalOutput.offer(frame, node, output);
      if (control === "break") frame.broken = true;
      this.records.close(record, "completed", port, output, size);
      this.propagation.settle(frame, local, COMPLETED, port, output);
      if (node.regionSize > 0) this.regions.watch(frame, node);
      return;
    }
    const error = outcome.error;
    if (error instanceof RunLimitError) {
      this.fail(frame, local, record, error.reason, error.message, node);
      return;
    }
    const reason: ErrorReason =
      error instanceof NodeFailure
        ? error.reason
        : ExpressionError.is(error)
          ? error.reason
          : "EXECUTION_ERROR";
    const message = ExpressionError.is(error)
      ? `expression ${JSON.stringify(truncate(error.source, 120))} failed: ${error.message}`
      : messageOf(error);
    if (node.hasErrorEdge) {
      const detail = error instanceof NodeFailure ? error.detail : {};
      const output: JsonObject = { ...detail, error: { reason, message } };
      record.errorReason = reason;
      record.errorMessage = message;
      this.records.close(record, "failed", "error", output);
      this.records.failedNodes.push(node.id);
      this.propagation.settle(frame, local, FAILED, "error", output);
      return;
    }
    this.fail(frame, local, record, reason, message, node);
  }

  /** The node failed in a way no port routes: the run fails with its reason. */
  fail(
    frame: Frame,
    local: number,
    record: NodeRun,
    reason: ErrorReason,
    message: string,
    node: CompiledNode,
  ): void {
    record.errorReason = reason;
    record.errorMessage = message;
    frame.status[local] = FAILED;
    frame.unsettled--;
    this.records.failedNodes.push(node.id);
    this.records.close(record, "failed", null, null);
    this.control.stop("failed", reason, message, node.id);
  }
}

/** The output of the node that fired into it, or `{<node id>: output, …}` when several did. */
function inputOf(frame: Frame, local: number): JsonValue {
  const first = frame.arrivals[local];
  if (first === undefined) return null;
  if (first.next === undefined) return first.value;
  const all: Arrival[] = [];
  for (let a: Arrival | undefined = first; a !== undefined; a = a.next) all.unshift(a);
  const out: JsonObject = {};
  for (const a of all) out[a.from] = a.value;
  return out;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
