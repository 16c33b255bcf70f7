import type { NodeStatus } from "../../execution/execution-status.js";
import type { NodeRun } from "../../execution/node-run.js";
import type { JsonValue } from "../../json.js";
import type { Clock } from "../../ports/clock.js";
import type { CompiledNode } from "../compile-workflow.js";
import type { EngineEvent, RunOptions } from "../engine-types.js";
import { jsonSize, recordValue } from "../json-size.js";
import { messageOf } from "../node-failure.js";
import type { Frame } from "./frame.js";
import type { RunLimits } from "./run-limits.js";

type FinalStatus = "completed" | "failed" | "skipped" | "cancelled";

/**
 * The run's NodeRun records: made (numbered in the order they are made), closed, and reported as
 * events, counted by final status and, in a dry-run or when asked, kept as the trace.
 */
export class RunRecords {
  sequence = 0;
  /** Node runs started (a node inside a loop counts once per iteration). */
  nodesExecuted = 0;
  readonly failedNodes: string[] = [];
  readonly counts = { completed: 0, failed: 0, skipped: 0, cancelled: 0 };
  /** Set when an event listener threw: the run then fails with INTERNAL_ERROR. */
  listenerError: string | null = null;
  private readonly trace: NodeRun[] | null;
  private readonly onEvent: RunOptions["onEvent"];
  private readonly maxRecordBytes: number;

  constructor(
    options: RunOptions,
    private readonly limits: RunLimits,
    private readonly clock: Clock,
  ) {
    this.trace = options.mode === "dry_run" || options.collectTrace ? [] : null;
    this.onEvent = options.onEvent;
    this.maxRecordBytes = limits.values.maxRecordBytes;
  }

  /** The record of a node that starts now; emits node_started with a copy of it. */
  open(frame: Frame, node: CompiledNode, input: JsonValue, nowMs: number): NodeRun {
    const now = new Date(nowMs);
    const record = this.blank(frame, node, "running", now);
    record.attempt = 1;
    record.startedAt = now;
    record.completedAt = null;
    record.input = recordValue(input, this.maxRecordBytes).value;
    if (this.onEvent !== undefined) {
      this.emit({ type: "node_started", nodeRun: { ...record, logs: [] } });
    }
    return record;
  }

  /** Gives a running record its final status and output (truncated past maxRecordBytes). */
  close(
    record: NodeRun,
    status: "completed" | "failed" | "cancelled",
    port: string | null,
    output: JsonValue,
    knownSize?: number,
  ): void {
    const now = this.clock.now();
    record.status = status;
    record.completedAt = new Date(now);
    record.durationMs =
      record.startedAt === null ? 0 : Math.max(0, now - record.startedAt.getTime());
    record.outputPort = port;
    const cap = this.maxRecordBytes;
    const size = knownSize ?? jsonSize(output, cap + 1);
    if (size > cap) {
      const stored = recordValue(output, cap);
      record.output = stored.value;
      record.outputTruncated = stored.truncated;
    } else {
      record.output = output;
      record.outputTruncated = false;
    }
    record.operations = this.limits.operations;
    this.finished(record);
  }

  /** The record of a node that did not run: skipped, or cancelled before it started. */
  notRun(frame: Frame, node: CompiledNode, status: "skipped" | "cancelled", message: string): void {
    const now = new Date(this.clock.now());
    const record = this.blank(frame, node, status, now);
    record.logs.push({ time: now, message });
    this.finished(record);
  }

  log(record: NodeRun, message: string): void {
    record.logs.push({ time: new Date(this.clock.now()), message });
  }

  /**
   * Delivers an event. A listener that throws does not corrupt the run: the run fails with
   * INTERNAL_ERROR (once the current step is over) and the result promise still settles.
   */
  emit(event: EngineEvent): void {
    try {
      this.onEvent?.(event);
    } catch (error) {
      this.listenerError ??= `an event listener threw: ${messageOf(error)}`;
    }
  }

  /**
   * The trace in execution order. Records finish out of sequence (a loop node after its body,
   * parallel branches as they complete), so it is sorted once, when the run ends.
   */
  traceInSequence(): NodeRun[] | null {
    return this.trace?.sort((a, b) => a.sequence - b.sequence) ?? null;
  }

  private finished(record: NodeRun): void {
    this.counts[record.status as FinalStatus]++;
    this.trace?.push(record);
    if (this.onEvent !== undefined) this.emit({ type: "node_finished", nodeRun: record });
  }

  private blank(frame: Frame, node: CompiledNode, status: NodeStatus, now: Date): NodeRun {
    return {
      sequence: ++this.sequence,
      nodeId: node.id,
      nodeType: node.type,
      status,
      attempt: 0,
      startedAt: null,
      completedAt: now,
      durationMs: 0,
      input: null,
      output: null,
      outputTruncated: false,
      outputPort: null,
      logs: [],
      errorReason: null,
      errorMessage: null,
      iterations: 0,
      operations: this.limits.operations,
      iterationPath: frame.iterationPath as number[],
      simulatedRequest: null,
    };
  }
}
