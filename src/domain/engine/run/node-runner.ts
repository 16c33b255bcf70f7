import type { ErrorReason } from "../../errors.js";
import type { NodeRun } from "../../execution/node-run.js";
import { ExpressionError } from "../../expressions/expression-error.js";
import type { JsonObject, JsonValue } from "../../json.js";
import type { Clock } from "../../ports/clock.js";
import { NO_RETRY, type RetryPolicy } from "../../workflow/node-types/retry.js";
import type { CompiledNode, CompiledWorkflow } from "../compile-workflow.js";
import type { WaitEntry } from "../engine-types.js";
import { jsonSize } from "../json-size.js";
import type { WaitRequest } from "../node-context.js";
import { messageOf, NodeFailure, RunLimitError } from "../node-failure.js";
import type { FinalOutput } from "./final-output.js";
import { type Arrival, COMPLETED, FAILED, type Frame, READY, RUNNING } from "./frame.js";
import type { NodeAttempts, Outcome } from "./node-attempts.js";
import type { ParallelRegions } from "./parallel-regions.js";
import type { Propagation } from "./propagation.js";
import type { RunControl } from "./run-control.js";
import type { RunLimits } from "./run-limits.js";
import type { RunRecords } from "./run-records.js";
import type { RunWaits } from "./run-waits.js";
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
    private readonly waits: RunWaits,
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
    // A node resuming its wait was counted when it first started.
    const resumed = this.waits.takeResumed(frame, node.id);
    if (resumed === undefined && !this.limits.countOperation(node, nowMs)) return;
    frame.status[local] = RUNNING;
    const input = inputOf(frame, local);
    const record = this.records.open(frame, node, input, nowMs);
    frame.records[local] = record;
    if (resumed !== undefined) {
      this.settleWhenDone(
        frame,
        local,
        node,
        record,
        this.resumeWait(frame, node, record, input, resumed, nowMs),
      );
      return;
    }
    this.records.nodesExecuted++;
    if (node.bodyFrame >= 0) {
      this.startLoop(frame, local, node, record, input);
      return;
    }
    const policy = (node.config as { retry?: RetryPolicy }).retry ?? NO_RETRY;
    this.settleWhenDone(
      frame,
      local,
      node,
      record,
      this.attempts.run(frame, node, record, input, policy, 1),
    );
  }

  private settleWhenDone(
    frame: Frame,
    local: number,
    node: CompiledNode,
    record: NodeRun,
    outcome: Outcome | Promise<Outcome>,
  ): void {
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

  /**
   * Continues a wait the node parked on before the run was resumed: parks again while its time
   * is far off, sleeps the rest when it is near, then completes (delay) or runs the next
   * attempt (retry). The record keeps the node's first start.
   */
  private resumeWait(
    frame: Frame,
    node: CompiledNode,
    record: NodeRun,
    input: JsonValue,
    entry: WaitEntry,
    nowMs: number,
  ): Outcome | Promise<Outcome> {
    record.startedAt = new Date(entry.startedAtMs);
    record.attempt = entry.attempt;
    const remaining = entry.wakeAtMs - nowMs;
    const parkAfterMs = this.waits.parkAfterMs(frame);
    if (remaining > 0 && parkAfterMs !== null && remaining >= parkAfterMs) {
      return { ok: true, value: { port: null, output: null, wait: waitRequestOf(entry) } };
    }
    this.records.log(
      record,
      `resumed: the wait until ${new Date(entry.wakeAtMs).toISOString()} ended`,
    );
    const proceed = (): Outcome | Promise<Outcome> => {
      if (entry.kind === "delay")
        return { ok: true, value: { port: "success", output: entry.output } };
      const policy = (node.config as { retry?: RetryPolicy }).retry ?? NO_RETRY;
      return this.attempts.run(frame, node, record, input, policy, entry.attempt);
    };
    if (remaining <= 0) return proceed();
    return this.clock
      .sleep(remaining, this.control.signal())
      .then(proceed, (error: unknown): Outcome => ({ ok: false, error }));
  }

  /** The node waits: it stays running, and the run stops as waiting once nothing else can move. */
  private park(node: CompiledNode, record: NodeRun, wait: WaitRequest): void {
    const entry: WaitEntry = {
      nodeId: node.id,
      kind: wait.kind,
      wakeAtMs: wait.wakeAtMs,
      startedAtMs: record.startedAt?.getTime() ?? this.clock.now(),
      attempt: wait.kind === "retry" ? wait.attempt : record.attempt,
      output: wait.kind === "delay" ? wait.output : null,
    };
    this.records.log(record, `waiting until ${new Date(wait.wakeAtMs).toISOString()} (parked)`);
    this.waits.park(entry);
  }

  finish(frame: Frame, local: number, node: CompiledNode, record: NodeRun, outcome: Outcome): void {
    if (this.control.closed) return;
    if (outcome.ok && outcome.value.wait !== undefined) {
      this.park(node, record, outcome.value.wait);
      return;
    }
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

function waitRequestOf(entry: WaitEntry): WaitRequest {
  return entry.kind === "delay"
    ? { kind: "delay", wakeAtMs: entry.wakeAtMs, output: entry.output }
    : { kind: "retry", wakeAtMs: entry.wakeAtMs, attempt: entry.attempt };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
