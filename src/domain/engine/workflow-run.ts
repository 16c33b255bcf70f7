import type { ErrorReason } from "../errors.js";
import { DomainError } from "../errors.js";
import type { NodeStatus } from "../execution/execution-status.js";
import type { NodeRun } from "../execution/node-run.js";
import { ExpressionError } from "../expressions/expression-error.js";
import { resolveValuePath, type ValuePath } from "../expressions/value-path.js";
import type { JsonObject, JsonValue } from "../json.js";
import type { ActionGateway } from "../ports/action-gateway.js";
import type { Clock } from "../ports/clock.js";
import type { ExpressionBindings } from "../ports/expression-compiler.js";
import { BASE_NAMES } from "../workflow/analyse-workflow.js";
import type { ForeachConfig, WhileConfig } from "../workflow/node-types/loops.js";
import { NO_RETRY, type RetryPolicy, retryDelayMs } from "../workflow/node-types/retry.js";
import type { CompiledEdge, CompiledNode, CompiledWorkflow } from "./compile-workflow.js";
import { DEFAULT_ENGINE_LIMITS, effectiveLimits } from "./engine-limits.js";
import type {
  CheckpointEntry,
  EngineCheckpoint,
  EngineEnvironment,
  EngineEvent,
  EngineLimits,
  EngineResult,
  EngineStatus,
  RunHandle,
  RunMode,
  RunOptions,
  TrustedContext,
} from "./engine-types.js";
import {
  type Arrival,
  CANCELLED,
  COMPLETED,
  FAILED,
  Frame,
  PENDING,
  READY,
  RUNNING,
  SKIPPED,
} from "./frame.js";
import { jsonSize, recordValue } from "./json-size.js";
import type { NodeContext, NodeOutcome } from "./node-context.js";
import { NodeFailure, RunLimitError } from "./node-failure.js";
import { NODE_BEHAVIOURS } from "./nodes/node-behaviours.js";
import { compareStamps, VariableStore } from "./variable-store.js";

/**
 * A synchronous stretch yields to the event loop (timers, I/O, cancellation) after this many
 * node starts, or sooner once it has lasted YIELD_AFTER_MS on the run's clock. The deadline is
 * not left to the yields: it is checked on every operation (node start, loop iteration).
 */
const YIELD_EVERY = 1024;
const YIELD_AFTER_MS = 10;
const CHECKPOINT_FORMAT = "waddlebot.engine.checkpoint/1";

type Outcome = { ok: true; value: NodeOutcome } | { ok: false; error: unknown };

interface LoopRun {
  frame: Frame;
  local: number;
  node: CompiledNode;
  record: NodeRun;
  iteration: number;
  limit: number;
  items: readonly JsonValue[] | null;
  input: JsonValue;
  /** The body frame, reused from one iteration to the next. */
  body: Frame | null;
}

/**
 * One execution of a compiled workflow. Nodes become ready when every live incoming edge has
 * resolved (fired or dead), run as soon as they are ready (at most maxParallelNodes at a time),
 * and emit on one output port; only edges from that port fire. Synchronous nodes complete
 * without awaiting. All time goes through the clock port and all side effects through the
 * gateway, which a dry-run never touches.
 */
export class WorkflowRun implements RunHandle {
  readonly result: Promise<EngineResult>;
  private resolveResult!: (result: EngineResult) => void;

  private readonly limits: EngineLimits;
  private readonly mode: "live" | "dry_run";
  private readonly variables: VariableStore;
  private readonly triggerData: JsonObject;
  private readonly triggerNode: number;
  private readonly executionInfo: JsonObject;
  private readonly root: Frame;
  private readonly liveFrames = new Set<Frame>();

  private queueFrames: Frame[] = [];
  private queueLocals: number[] = [];
  private head = 0;
  private running = 0;
  private pumping = false;
  private yielding = false;
  private syncSteps = 0;
  /** Clock reading when the current synchronous stretch began, and at the latest node start. */
  private sliceStartMs = 0;
  private lastStartMs = 0;
  private activeLoops = 0;

  private sequence = 0;
  private operations = 0;
  private nodesExecuted = 0;
  private readonly failedNodes: string[] = [];
  private readonly counts = { completed: 0, failed: 0, skipped: 0, cancelled: 0 };
  private readonly trace: NodeRun[] | null;
  /** Top-level nodes in the order they settled (checkpoint entries are built from it). */
  private readonly rootOrder: number[] = [];
  private readonly skipFrames: Frame[] = [];
  private readonly skipLocals: number[] = [];
  private finalOutput: JsonValue = null;
  private finalOutputStamp: readonly number[] | null = null;

  private readonly startedAtMs: number;
  private readonly deadline: number;
  private readonly elapsedBefore: number;
  private controller: AbortController | null = null;
  private timersArmed = false;
  private closed = false;
  private listenerError: string | null = null;
  private replaying = false;
  private readonly onAbort: (() => void) | null = null;

  constructor(
    private readonly workflow: CompiledWorkflow,
    private readonly options: RunOptions,
    private readonly env: EngineEnvironment,
  ) {
    this.result = new Promise((resolve) => {
      this.resolveResult = resolve;
    });
    // The workflow's own overrides can only lower the limits the service passes.
    this.limits = effectiveLimits({ ...DEFAULT_ENGINE_LIMITS, ...options.limits }, workflow.limits);
    this.mode = options.mode ?? "live";
    this.trace = this.mode === "dry_run" || options.collectTrace ? [] : null;
    this.triggerNode = this.selectTrigger();
    this.triggerData = options.trigger?.data ?? {};
    const resume = options.resume;
    if (resume !== undefined) this.checkResume(resume);
    this.variables = resume
      ? new VariableStore(resume.variables, this.limits.maxVariablesBytes, resume.variableStamps)
      : new VariableStore(
          { ...workflow.globalVariables, ...(options.variables ?? {}) },
          this.limits.maxVariablesBytes,
        );
    const c = options.context;
    this.executionInfo = {
      execution_id: c.executionId,
      workflow_id: c.workflowId,
      workflow_version: c.workflowVersion,
      user_id: c.userId,
      community_id: c.communityId,
      entity_id: c.entityId,
      session_id: c.sessionId,
      platform: c.platform,
      mode: this.mode,
    };
    this.startedAtMs = env.clock.now();
    this.elapsedBefore = resume?.elapsedMs ?? 0;
    this.deadline = this.startedAtMs + this.limits.timeoutMs - this.elapsedBefore;
    this.root = this.newFrame(0, null, [], [], null);
    const signal = options.signal;
    if (signal !== undefined) {
      this.onAbort = () => this.stop("cancelled", null, "the execution was cancelled", null);
      signal.addEventListener("abort", this.onAbort, { once: true });
    }
  }

  /** Starts the run; returns once it finished or is waiting on something asynchronous. */
  start(): this {
    if (this.options.signal?.aborted) {
      this.stop("cancelled", null, "the execution was cancelled before it started", null);
      return this;
    }
    try {
      if (this.options.resume !== undefined) this.replay(this.options.resume);
      this.seedRoot();
      this.pump();
    } catch (error) {
      this.crash(error);
    }
    return this;
  }

  takeCheckpoint(): EngineCheckpoint | null {
    if (this.activeLoops > 0) return null;
    const c = this.options.context;
    return {
      format: CHECKPOINT_FORMAT,
      executionId: c.executionId,
      workflowId: c.workflowId,
      workflowVersion: c.workflowVersion,
      sequence: this.sequence,
      operations: this.operations,
      nodesExecuted: this.nodesExecuted,
      failedNodes: [...this.failedNodes],
      elapsedMs: this.elapsedBefore + (this.env.clock.now() - this.startedAtMs),
      variables: this.variables.snapshot(),
      variableStamps: this.variables.stampsSnapshot(),
      finalOutput: this.finalOutput,
      finalOutputStamp: this.finalOutputStamp === null ? null : [...this.finalOutputStamp],
      settled: this.rootOrder.map((local) => this.checkpointEntry(local)),
    };
  }

  private checkpointEntry(local: number): CheckpointEntry {
    const root = this.root;
    const status = root.status[local] as number;
    return {
      nodeId: (this.workflow.nodes[root.plan.members[local] as number] as CompiledNode).id,
      status: status === COMPLETED ? "completed" : status === FAILED ? "failed" : "skipped",
      port: root.ports[local] ?? null,
      output: status === SKIPPED ? null : (root.outs[local] as JsonValue),
    };
  }

  // ---------------------------------------------------------------- setup

  private selectTrigger(): number {
    const wanted = this.options.trigger?.triggerNodeId;
    const triggers = this.workflow.triggers;
    if (wanted !== undefined && wanted !== "") {
      const index = this.workflow.nodeIndex.get(wanted);
      if (index === undefined || !triggers.includes(index)) {
        throw DomainError.badRequest(`"${wanted}" is not a trigger node of this workflow`, [
          { field: "trigger.trigger_node_id", description: "not a trigger node of the workflow" },
        ]);
      }
      return index;
    }
    if (triggers.length !== 1) {
      const ids = triggers.map((t) => this.workflow.nodes[t]?.id).join(", ");
      throw DomainError.badRequest(
        `the workflow has ${triggers.length} triggers (${ids}); name the one to start from in trigger_node_id`,
        [
          {
            field: "trigger.trigger_node_id",
            description: "required when a workflow has several triggers",
          },
        ],
      );
    }
    return triggers[0] as number;
  }

  private checkResume(checkpoint: EngineCheckpoint): void {
    const c = this.options.context;
    if (
      checkpoint.format !== CHECKPOINT_FORMAT ||
      checkpoint.workflowId !== c.workflowId ||
      checkpoint.workflowVersion !== c.workflowVersion ||
      checkpoint.executionId !== c.executionId
    ) {
      throw DomainError.badRequest("the checkpoint belongs to another execution or format");
    }
    for (const entry of checkpoint.settled) {
      const index = this.workflow.nodeIndex.get(entry.nodeId);
      if (index === undefined || this.workflow.nodes[index]?.frame !== 0) {
        throw DomainError.badRequest(
          `the checkpoint names unknown top-level node "${entry.nodeId}"`,
        );
      }
    }
  }

  private newFrame(
    plan: number,
    parent: Frame | null,
    iterationPath: readonly number[],
    stampPrefix: readonly number[],
    loopBindings: Record<string, JsonValue> | null,
  ): Frame {
    const frame = new Frame(
      this.workflow.frames[plan] as CompiledWorkflow["frames"][number],
      parent,
      iterationPath,
      stampPrefix,
      this.workflow,
    );
    frame.bindings = {
      ...(parent?.bindings ?? {}),
      ...loopBindings,
      vars: this.variables.values,
      trigger: this.triggerData,
      nodes: frame.nodes,
      execution: this.executionInfo,
    };
    this.liveFrames.add(frame);
    return frame;
  }

  private replay(checkpoint: EngineCheckpoint): void {
    this.replaying = true;
    this.sequence = checkpoint.sequence;
    this.operations = checkpoint.operations;
    this.nodesExecuted = checkpoint.nodesExecuted;
    this.failedNodes.push(...checkpoint.failedNodes);
    this.finalOutput = checkpoint.finalOutput;
    this.finalOutputStamp = checkpoint.finalOutputStamp;
    for (const entry of checkpoint.settled) {
      const node = this.workflow.nodes[
        this.workflow.nodeIndex.get(entry.nodeId) as number
      ] as CompiledNode;
      const status =
        entry.status === "completed" ? COMPLETED : entry.status === "failed" ? FAILED : SKIPPED;
      if ((this.root.status[node.local] as number) >= COMPLETED) continue;
      this.settle(this.root, node.local, status, entry.port, entry.output);
    }
    this.replaying = false;
  }

  /** The chosen trigger starts; nodes that can never receive input are skipped. */
  private seedRoot(): void {
    const root = this.root;
    for (let local = 0; local < root.plan.members.length; local++) {
      if (root.status[local] !== PENDING || root.pending[local] !== 0) continue;
      const index = root.plan.members[local] as number;
      if (index === this.triggerNode) {
        root.status[local] = READY;
        root.arrivals[local] = { from: "", value: this.triggerData, next: undefined };
        this.enqueue(root, local);
      } else {
        const node = this.workflow.nodes[index] as CompiledNode;
        this.skip(
          root,
          local,
          node.isTrigger ? "another trigger started this execution" : "the node has no inputs",
        );
      }
    }
  }

  // ---------------------------------------------------------------- scheduling

  private enqueue(frame: Frame, local: number): void {
    this.queueFrames.push(frame);
    this.queueLocals.push(local);
  }

  private pump(): void {
    if (this.pumping || this.yielding) return;
    this.pumping = true;
    this.sliceStartMs = this.env.clock.now();
    try {
      while (
        !this.closed &&
        this.listenerError === null &&
        this.head < this.queueFrames.length &&
        this.running < this.limits.maxParallelNodes
      ) {
        const frame = this.queueFrames[this.head] as Frame;
        const local = this.queueLocals[this.head] as number;
        this.head++;
        if (this.head === this.queueFrames.length) {
          this.queueFrames = [];
          this.queueLocals = [];
          this.head = 0;
        }
        this.startNode(frame, local);
        if (
          (++this.syncSteps >= YIELD_EVERY ||
            this.lastStartMs - this.sliceStartMs >= YIELD_AFTER_MS) &&
          !this.closed
        ) {
          this.syncSteps = 0;
          this.yieldToEventLoop();
          break;
        }
      }
    } catch (error) {
      this.crash(error);
    } finally {
      this.pumping = false;
    }
    this.finishIfDone();
  }

  private yieldToEventLoop(): void {
    this.yielding = true;
    this.armTimers();
    this.env.clock.sleep(0, this.signal()).then(
      () => {
        this.yielding = false;
        if (this.closed) return;
        if (this.env.clock.now() >= this.deadline) {
          this.timeout();
          return;
        }
        this.pump();
      },
      () => {
        this.yielding = false;
      },
    );
  }

  private finishIfDone(): void {
    if (this.closed) return;
    if (this.listenerError !== null)
      this.stop("failed", "INTERNAL_ERROR", this.listenerError, null);
    else if (this.root.unsettled === 0) this.stop("completed", null, null, null);
  }

  private signal(): AbortSignal {
    if (this.controller === null) this.controller = new AbortController();
    return this.controller.signal;
  }

  /** The run-wide timeout needs a timer only once the run waits on something. */
  private armTimers(): void {
    if (this.timersArmed || this.closed) return;
    this.timersArmed = true;
    const remaining = Math.max(0, this.deadline - this.env.clock.now());
    this.env.clock.sleep(remaining, this.signal()).then(
      () => this.timeout(),
      () => {},
    );
  }

  private timeout(): void {
    this.stop(
      "failed",
      "EXECUTION_TIMEOUT",
      `the execution exceeded its timeout of ${this.limits.timeoutMs} ms`,
      null,
    );
  }

  // ---------------------------------------------------------------- running nodes

  private startNode(frame: Frame, local: number): void {
    if (frame.status[local] !== READY) return;
    const node = this.workflow.nodes[frame.plan.members[local] as number] as CompiledNode;
    if (frame.broken) {
      this.skip(frame, local, "the loop was broken before this node started");
      return;
    }
    if (!node.enabled) {
      this.skip(frame, local, "the node is disabled");
      return;
    }
    // One clock reading per node start: the deadline check, the time slice and the record's start.
    const nowMs = this.env.clock.now();
    this.lastStartMs = nowMs;
    if (!this.countOperation(node, nowMs)) return;
    frame.status[local] = RUNNING;
    const input = this.inputOf(frame, local);
    const record = this.openRecord(frame, node, input, nowMs);
    frame.records[local] = record;
    this.nodesExecuted++;
    if (node.bodyFrame >= 0) {
      this.startLoop(frame, local, node, record, input);
      return;
    }
    const policy = (node.config as { retry?: RetryPolicy }).retry ?? NO_RETRY;
    const outcome = this.attempt(frame, node, record, input, policy, 1);
    if (outcome instanceof Promise) {
      this.running++;
      this.armTimers();
      outcome.then((result) => {
        this.running--;
        if (this.closed) return;
        try {
          this.finishNode(frame, local, node, record, result);
        } catch (error) {
          this.crash(error);
        }
        this.pump();
      });
    } else {
      this.finishNode(frame, local, node, record, outcome);
    }
  }

  /**
   * Every operation (node start, loop iteration) first checks the run's deadline, so a long
   * synchronous stretch ends EXECUTION_TIMEOUT as soon as it is past, not at the next yield.
   */
  private countOperation(node: CompiledNode, nowMs: number): boolean {
    if (nowMs >= this.deadline) {
      this.timeout();
      return false;
    }
    if (++this.operations > this.limits.maxTotalOperations) {
      this.stop(
        "failed",
        "OPERATION_LIMIT_EXCEEDED",
        `the execution exceeded ${this.limits.maxTotalOperations} node operations`,
        node.id,
      );
      return false;
    }
    return true;
  }

  private inputOf(frame: Frame, local: number): JsonValue {
    const first = frame.arrivals[local];
    if (first === undefined) return null;
    if (first.next === undefined) return first.value;
    const all: Arrival[] = [];
    for (let a: Arrival | undefined = first; a !== undefined; a = a.next) all.unshift(a);
    const out: JsonObject = {};
    for (const a of all) out[a.from] = a.value;
    return out;
  }

  /** Runs one attempt; on a retryable node error waits the backoff and tries again. */
  private attempt(
    frame: Frame,
    node: CompiledNode,
    record: NodeRun,
    input: JsonValue,
    policy: RetryPolicy,
    attempt: number,
  ): Outcome | Promise<Outcome> {
    record.attempt = attempt;
    const ctx = this.context(frame, node, record, input, attempt);
    const behaviour = NODE_BEHAVIOURS.get(node.type);
    let value: NodeOutcome | Promise<NodeOutcome>;
    try {
      if (behaviour === undefined) throw new Error(`no behaviour for node type ${node.type}`);
      value = behaviour(ctx);
    } catch (error) {
      return this.retryOrFail(frame, node, record, input, policy, attempt, error);
    }
    if (!(value instanceof Promise)) return { ok: true, value };
    return value.then(
      (v): Outcome => ({ ok: true, value: v }),
      (error) => this.retryOrFail(frame, node, record, input, policy, attempt, error),
    );
  }

  private retryOrFail(
    frame: Frame,
    node: CompiledNode,
    record: NodeRun,
    input: JsonValue,
    policy: RetryPolicy,
    attempt: number,
    error: unknown,
  ): Outcome | Promise<Outcome> {
    const retryable = error instanceof NodeFailure && error.retryable;
    if (!retryable || attempt >= policy.maxAttempts || this.closed) return { ok: false, error };
    const delay = retryDelayMs(policy, attempt);
    this.log(record, `attempt ${attempt} failed: ${messageOf(error)}; retrying in ${delay} ms`);
    this.armTimers();
    return this.env.clock.sleep(delay, this.signal()).then(
      () => this.attempt(frame, node, record, input, policy, attempt + 1),
      (): Outcome => ({ ok: false, error }),
    );
  }

  private context(
    frame: Frame,
    node: CompiledNode,
    record: NodeRun,
    input: JsonValue,
    attempt: number,
  ): NodeContext {
    return new RunContext(this, frame, node, record, input, attempt);
  }

  /** For RunContext: the deterministic variable write rule (see VariableStore). */
  writeVariable(
    frame: Frame,
    node: CompiledNode,
    record: NodeRun,
    name: string,
    value: JsonValue,
  ): void {
    if (this.closed) return;
    const stamp = frame === this.root ? node.stamp : [...frame.stampPrefix, node.rank];
    if (!this.variables.write(name, value, stamp)) {
      this.log(
        record,
        `write to "${name}" not applied: a node later in the workflow order already wrote it`,
      );
    }
  }

  resolvePath(frame: Frame, path: ValuePath): JsonValue | undefined {
    return resolveValuePath(path, frame.bindings, scopeNames(frame));
  }

  get runMode(): RunMode {
    return this.mode;
  }

  get runOptions(): RunOptions {
    return this.options;
  }

  get environment(): EngineEnvironment {
    return this.env;
  }

  get trigger(): JsonObject {
    return this.triggerData;
  }

  runSignal(): AbortSignal {
    return this.signal();
  }

  addLog(record: NodeRun, message: string): void {
    this.log(record, message);
  }

  private finishNode(
    frame: Frame,
    local: number,
    node: CompiledNode,
    record: NodeRun,
    outcome: Outcome,
  ): void {
    if (this.closed) return;
    if (outcome.ok) {
      const { port, output, control } = outcome.value;
      const size = jsonSize(output, this.limits.maxOutputBytes + 1);
      if (size > this.limits.maxOutputBytes) {
        this.failRun(
          frame,
          local,
          record,
          "PAYLOAD_TOO_LARGE",
          `the output of "${node.id}" is larger than ${this.limits.maxOutputBytes} bytes`,
          node,
        );
        return;
      }
      if (control === "end") this.offerFinalOutput(frame, node, output);
      if (control === "break") frame.broken = true;
      this.closeRecord(record, "completed", port, output, size);
      this.settle(frame, local, COMPLETED, port, output);
      if (node.regionSize > 0) this.watchRegion(frame, node);
      return;
    }
    const error = outcome.error;
    if (error instanceof RunLimitError) {
      this.failRun(frame, local, record, error.reason, error.message, node);
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
      this.closeRecord(record, "failed", "error", output);
      this.failedNodes.push(node.id);
      this.settle(frame, local, FAILED, "error", output);
      return;
    }
    this.failRun(frame, local, record, reason, message, node);
  }

  private failRun(
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
    this.failedNodes.push(node.id);
    this.closeRecord(record, "failed", null, null);
    this.stop("failed", reason, message, node.id);
  }

  private offerFinalOutput(frame: Frame, node: CompiledNode, output: JsonValue): void {
    const stamp = [...frame.stampPrefix, node.rank];
    if (this.finalOutputStamp === null || compareStamps(this.finalOutputStamp, stamp) <= 0) {
      this.finalOutput = output;
      this.finalOutputStamp = stamp;
    }
  }

  // ---------------------------------------------------------------- graph propagation

  /**
   * Records a node's final status and resolves its outgoing edges: edges from `port` fire,
   * all others are dead. Dead-path elimination continues iteratively (no deep recursion).
   */
  private settle(
    frame: Frame,
    local: number,
    status: number,
    port: string | null,
    output: JsonValue,
  ): void {
    this.settleOne(frame, local, status, port, output);
    while (this.skipLocals.length > 0) {
      const f = this.skipFrames.pop() as Frame;
      const l = this.skipLocals.pop() as number;
      this.settleOne(f, l, SKIPPED, null, null);
    }
  }

  /**
   * Records a node's final status and resolves its outgoing edges: edges from `port` fire,
   * all others are dead. Nodes left with only dead inputs go on the skip stack, so dead-path
   * elimination never recurses deeply.
   */
  private settleOne(f: Frame, l: number, s: number, p: string | null, out: JsonValue): void {
    const node = this.workflow.nodes[f.plan.members[l] as number] as CompiledNode;
    f.status[l] = s;
    f.unsettled--;
    f.outs[l] = out;
    f.ports[l] = p;
    // Only running nodes need their record (to cancel it); letting go keeps records short-lived.
    f.records[l] = undefined;
    f.arrivals[l] = undefined;
    if (f === this.root) this.rootOrder.push(l);
    if (f.watches !== null) this.noteRegions(f, node);
    const fires = s === COMPLETED || s === FAILED;
    const edges = node.out;
    for (let i = 0; i < edges.length; i++) {
      const edge = edges[i] as CompiledEdge;
      const target = this.workflow.nodes[edge.to] as CompiledNode;
      const tl = target.local;
      if (f.status[tl] !== PENDING) continue;
      const pending = (f.pending[tl] as number) - 1;
      f.pending[tl] = pending;
      let firedCount = f.fired[tl] as number;
      const fired = fires && edge.port === p;
      if (fired) {
        firedCount++;
        f.fired[tl] = firedCount;
        f.arrivals[tl] = { from: node.id, value: out, next: f.arrivals[tl] };
      }
      const required = target.inputsRequired;
      if (fired && required > 0 && firedCount === required) {
        f.status[tl] = READY;
        this.enqueue(f, tl);
      } else if (pending === 0) {
        if (firedCount > 0 && required <= 0) {
          f.status[tl] = READY;
          this.enqueue(f, tl);
        } else {
          const why =
            firedCount > 0
              ? `only ${firedCount} of the ${required} required inputs arrived`
              : "no incoming branch was taken";
          f.status[tl] = SKIPPED;
          this.openSkip(f, tl, target, why);
          this.skipFrames.push(f);
          this.skipLocals.push(tl);
        }
      }
    }
    if (f.unsettled === 0 && f !== this.root && !this.replaying) this.frameDone(f);
  }

  private skip(frame: Frame, local: number, why: string): void {
    const node = this.workflow.nodes[frame.plan.members[local] as number] as CompiledNode;
    this.openSkip(frame, local, node, why);
    this.settle(frame, local, SKIPPED, null, null);
  }

  private openSkip(frame: Frame, _local: number, node: CompiledNode, why: string): void {
    if (this.replaying) return;
    const now = new Date(this.env.clock.now());
    const record = this.blankRecord(frame, node, "skipped", now);
    record.logs.push({ time: now, message: `skipped: ${why}` });
    this.emitFinished(record);
  }

  // ---------------------------------------------------------------- loops

  private startLoop(
    frame: Frame,
    local: number,
    node: CompiledNode,
    record: NodeRun,
    input: JsonValue,
  ): void {
    const plan = this.workflow.frames[node.bodyFrame];
    if (plan !== undefined && plan.depth > this.limits.maxLoopDepth) {
      this.failRun(
        frame,
        local,
        record,
        "LOOP_DEPTH_EXCEEDED",
        `loop "${node.id}" is nested ${plan.depth} deep; the limit is ${this.limits.maxLoopDepth}`,
        node,
      );
      return;
    }
    const nodeMax = (node.config as { maxIterations: number }).maxIterations;
    const limit = Math.min(nodeMax, this.limits.maxLoopIterations);
    let items: readonly JsonValue[] | null = null;
    if (node.type === "loop_foreach") {
      const config = node.config as ForeachConfig;
      const value =
        config.arrayPath === null
          ? undefined
          : resolveValuePath(config.arrayPath, frame.bindings, scopeNames(frame));
      if (!Array.isArray(value)) {
        const what = value === undefined ? "missing" : "not a list";
        this.finishNode(frame, local, node, record, {
          ok: false,
          error: new NodeFailure(
            `array_variable "${config.arrayPath?.source}" is ${what}`,
            "EXECUTION_ERROR",
            {},
            false,
          ),
        });
        return;
      }
      if (value.length > limit) {
        this.failRun(
          frame,
          local,
          record,
          "LOOP_LIMIT_EXCEEDED",
          `loop "${node.id}" has ${value.length} items; the limit is ${limit} iterations`,
          node,
        );
        return;
      }
      items = value;
    }
    this.activeLoops++;
    this.nextIteration({
      frame,
      local,
      node,
      record,
      iteration: 0,
      limit,
      items,
      input,
      body: null,
    });
  }

  private nextIteration(loop: LoopRun): void {
    const { node, frame, local, record } = loop;
    for (;;) {
      if (this.closed) return;
      let proceed: boolean;
      if (loop.items !== null) {
        proceed = loop.iteration < loop.items.length;
      } else {
        try {
          proceed =
            (node.config as WhileConfig).condition?.evaluate(this.loopBindings(loop)) ?? false;
        } catch (error) {
          this.activeLoops--;
          this.finishNode(frame, local, node, record, { ok: false, error });
          return;
        }
        if (proceed && loop.iteration >= loop.limit) {
          this.activeLoops--;
          this.failRun(
            frame,
            local,
            record,
            "LOOP_LIMIT_EXCEEDED",
            `loop "${node.id}" still runs after ${loop.limit} iterations`,
            node,
          );
          return;
        }
      }
      if (!proceed) {
        this.endLoop(loop, false);
        return;
      }
      if (!this.countOperation(node, this.env.clock.now())) return;
      record.iterations = loop.iteration + 1;
      if (this.workflow.frames[node.bodyFrame]?.members.length === 0) {
        loop.iteration++;
        continue;
      }
      const path = [...frame.iterationPath, loop.iteration];
      const prefix = [...frame.stampPrefix, node.rank, loop.iteration];
      let body = loop.body;
      if (body === null) {
        body = this.newFrame(node.bodyFrame, frame, path, prefix, this.loopValues(loop));
        body.loopRun = loop;
        loop.body = body;
      } else {
        body.reset(path, prefix);
        this.bindLoopValues(body.bindings, loop);
      }
      const entryInput = this.loopValuesAsInput(loop);
      for (const edge of node.bodyEntries) {
        const target = this.workflow.nodes[edge.to] as CompiledNode;
        const tl = target.local;
        body.pending[tl] = (body.pending[tl] as number) - 1;
        body.fired[tl] = (body.fired[tl] as number) + 1;
        body.arrivals[tl] = { from: node.id, value: entryInput, next: body.arrivals[tl] };
        if (
          body.status[tl] === PENDING &&
          (body.pending[tl] === 0 ||
            (target.inputsRequired > 0 && body.fired[tl] === target.inputsRequired))
        ) {
          body.status[tl] = READY;
          this.enqueue(body, tl);
        }
      }
      return;
    }
  }

  private loopValues(loop: LoopRun): Record<string, JsonValue> {
    if (loop.items === null) return { index: loop.iteration };
    const config = loop.node.config as ForeachConfig;
    return {
      [config.itemName]: loop.items[loop.iteration] as JsonValue,
      [config.indexName]: loop.iteration,
    };
  }

  private bindLoopValues(bindings: Record<string, unknown>, loop: LoopRun): void {
    if (loop.items === null) {
      bindings.index = loop.iteration;
      return;
    }
    const config = loop.node.config as ForeachConfig;
    bindings[config.itemName] = loop.items[loop.iteration] as JsonValue;
    bindings[config.indexName] = loop.iteration;
  }

  private loopValuesAsInput(loop: LoopRun): JsonValue {
    if (loop.items === null) return { index: loop.iteration };
    return { item: loop.items[loop.iteration] as JsonValue, index: loop.iteration };
  }

  private loopBindings(loop: LoopRun) {
    return { ...loop.frame.bindings, index: loop.iteration };
  }

  private frameDone(body: Frame): void {
    const loop = body.loopRun as LoopRun | null;
    if (loop === null) return;
    if (body.broken) {
      this.endLoop(loop, true);
      return;
    }
    loop.iteration++;
    this.nextIteration(loop);
  }

  private endLoop(loop: LoopRun, broken: boolean): void {
    this.activeLoops--;
    if (loop.body !== null) this.liveFrames.delete(loop.body);
    const iterations = broken ? loop.iteration + 1 : loop.iteration;
    loop.record.iterations = iterations;
    this.finishNode(loop.frame, loop.local, loop.node, loop.record, {
      ok: true,
      value: { port: "done", output: { iterations, broken } },
    });
  }

  // ---------------------------------------------------------------- parallel regions

  private watchRegion(frame: Frame, node: CompiledNode): void {
    let remaining = 0;
    for (let l = 0; l < frame.plan.members.length; l++) {
      const member = this.workflow.nodes[frame.plan.members[l] as number] as CompiledNode;
      if (member.regions.includes(node.index) && (frame.status[l] as number) <= RUNNING)
        remaining++;
    }
    if (remaining === 0 || this.replaying) return;
    const stop = new AbortController();
    frame.watches ??= new Map();
    frame.watches.set(node.index, { remaining, stop });
    this.armTimers();
    const timeoutMs = (node.config as { timeoutMs: number }).timeoutMs;
    this.env.clock.sleep(timeoutMs, stop.signal).then(
      () => {
        if (this.closed || frame.watches?.get(node.index)?.stop !== stop) return;
        this.stop(
          "failed",
          "EXECUTION_TIMEOUT",
          `the branches of "${node.id}" did not finish within ${timeoutMs} ms`,
          node.id,
        );
      },
      () => {},
    );
  }

  private noteRegions(frame: Frame, node: CompiledNode): void {
    if (frame.watches === null || node.regions.length === 0) return;
    for (const p of node.regions) {
      const watch = frame.watches.get(p);
      if (watch === undefined) continue;
      if (--watch.remaining === 0) {
        watch.stop.abort();
        frame.watches.delete(p);
      }
    }
  }

  // ---------------------------------------------------------------- records and events

  private blankRecord(frame: Frame, node: CompiledNode, status: NodeStatus, now: Date): NodeRun {
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
      operations: this.operations,
      iterationPath: frame.iterationPath as number[],
      simulatedRequest: null,
    };
  }

  private openRecord(frame: Frame, node: CompiledNode, input: JsonValue, nowMs: number): NodeRun {
    const now = new Date(nowMs);
    const record = this.blankRecord(frame, node, "running", now);
    record.attempt = 1;
    record.startedAt = now;
    record.completedAt = null;
    record.input = recordValue(input, this.limits.maxRecordBytes).value;
    if (this.options.onEvent !== undefined) {
      this.emit({ type: "node_started", nodeRun: { ...record, logs: [] } });
    }
    return record;
  }

  private closeRecord(
    record: NodeRun,
    status: "completed" | "failed" | "cancelled",
    port: string | null,
    output: JsonValue,
    knownSize?: number,
  ): void {
    const now = this.env.clock.now();
    record.status = status;
    record.completedAt = new Date(now);
    record.durationMs =
      record.startedAt === null ? 0 : Math.max(0, now - record.startedAt.getTime());
    record.outputPort = port;
    const cap = this.limits.maxRecordBytes;
    const size = knownSize ?? jsonSize(output, cap + 1);
    if (size > cap) {
      const stored = recordValue(output, cap);
      record.output = stored.value;
      record.outputTruncated = stored.truncated;
    } else {
      record.output = output;
      record.outputTruncated = false;
    }
    record.operations = this.operations;
    this.emitFinished(record);
  }

  private emitFinished(record: NodeRun): void {
    this.counts[record.status as "completed" | "failed" | "skipped" | "cancelled"]++;
    this.trace?.push(record);
    if (this.options.onEvent !== undefined) this.emit({ type: "node_finished", nodeRun: record });
  }

  /**
   * Delivers an event. A listener that throws does not corrupt the run: the run fails with
   * INTERNAL_ERROR (once the current step is over) and the result promise still settles.
   */
  private emit(event: EngineEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch (error) {
      this.listenerError ??= `an event listener threw: ${messageOf(error)}`;
    }
  }

  private log(record: NodeRun, message: string): void {
    record.logs.push({ time: new Date(this.env.clock.now()), message });
  }

  // ---------------------------------------------------------------- ending

  private crash(error: unknown): void {
    if (error instanceof RunLimitError) this.stop("failed", error.reason, error.message, null);
    else this.stop("failed", "INTERNAL_ERROR", `engine error: ${messageOf(error)}`, null);
  }

  /** Ends the run once: aborts running work, cancels what did not finish, reports. */
  private stop(
    status: EngineStatus,
    reason: ErrorReason | null,
    message: string | null,
    nodeId: string | null,
  ): void {
    if (this.closed) return;
    this.closed = true;
    if (this.onAbort !== null) this.options.signal?.removeEventListener("abort", this.onAbort);
    this.controller?.abort(new Error(message ?? status));
    for (const frame of this.liveFrames) {
      for (const watch of frame.watches?.values() ?? []) watch.stop.abort();
    }
    if (status !== "completed") this.cancelUnfinished();
    const endMs = this.env.clock.now();
    const result: EngineResult = {
      status,
      errorReason: reason,
      errorMessage: message,
      errorNodeId: nodeId,
      finalOutput: this.finalOutput,
      finalVariables: this.variables.values,
      nodesExecuted: this.nodesExecuted,
      failedNodes: [...new Set(this.failedNodes)],
      operations: this.operations,
      startedAt: new Date(this.startedAtMs),
      completedAt: new Date(endMs),
      durationMs: this.elapsedBefore + Math.max(0, endMs - this.startedAtMs),
      counts: { ...this.counts },
      trace: this.trace,
    };
    this.emit({ type: "execution_finished", result });
    this.resolveResult(result);
  }

  private cancelUnfinished(): void {
    const frames = [...this.liveFrames];
    for (const frame of frames) {
      for (let local = 0; local < frame.plan.members.length; local++) {
        const status = frame.status[local] as number;
        if (status > RUNNING) continue;
        frame.status[local] = CANCELLED;
        const record = frame.records[local];
        if (status === RUNNING && record !== undefined && record.status === "running") {
          this.log(record, "cancelled: the run stopped while this node was running");
          this.closeRecord(record, "cancelled", null, null);
        } else {
          const node = this.workflow.nodes[frame.plan.members[local] as number] as CompiledNode;
          const now = new Date(this.env.clock.now());
          const cancelled = this.blankRecord(frame, node, "cancelled", now);
          cancelled.logs.push({
            time: now,
            message: "cancelled: the run stopped before this node ran",
          });
          this.emitFinished(cancelled);
        }
      }
    }
  }
}

function scopeNames(frame: Frame): ReadonlySet<string> {
  frame.names ??= new Set(Object.keys(frame.bindings).concat(BASE_NAMES));
  return frame.names;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** The NodeContext of one attempt of one node; a class so that no closures are made per node. */
class RunContext implements NodeContext {
  constructor(
    private readonly run: WorkflowRun,
    private readonly frame: Frame,
    readonly node: CompiledNode,
    private readonly record: NodeRun,
    readonly input: JsonValue,
    readonly attempt: number,
  ) {}

  get bindings(): ExpressionBindings {
    return this.frame.bindings;
  }
  get mode(): RunMode {
    return this.run.runMode;
  }
  get mock(): JsonValue | undefined {
    return this.run.runOptions.mocks?.[this.node.id];
  }
  get execution(): TrustedContext {
    return this.run.runOptions.context;
  }
  get triggerData(): JsonObject {
    return this.run.trigger;
  }
  get gateway(): ActionGateway {
    return this.run.environment.gateway;
  }
  get clock(): Clock {
    return this.run.environment.clock;
  }
  get signal(): AbortSignal {
    return this.run.runSignal();
  }
  log(message: string): void {
    this.run.addLog(this.record, message);
  }
  resolve(path: ValuePath): JsonValue | undefined {
    return this.run.resolvePath(this.frame, path);
  }
  writeVariable(name: string, value: JsonValue): void {
    this.run.writeVariable(this.frame, this.node, this.record, name, value);
  }
  simulate(request: JsonValue): void {
    this.record.simulatedRequest = request;
  }
}
