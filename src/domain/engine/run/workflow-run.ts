import type { ErrorReason } from "../../errors.js";
import type { JsonObject } from "../../json.js";
import type { Clock } from "../../ports/clock.js";
import type { CompiledNode, CompiledWorkflow } from "../compile-workflow.js";
import { DEFAULT_ENGINE_LIMITS, effectiveLimits } from "../engine-limits.js";
import type {
  EngineCheckpoint,
  EngineEnvironment,
  EngineResult,
  EngineStatus,
  RunHandle,
  RunOptions,
} from "../engine-types.js";
import { messageOf, RunLimitError } from "../node-failure.js";
import { refusingActionGateway } from "../refusing-action-gateway.js";
import { VariableStore } from "../variable-store.js";
import { Checkpoints, checkResume } from "./checkpoint.js";
import { FinalOutput } from "./final-output.js";
import { CANCELLED, PENDING, READY, RUNNING } from "./frame.js";
import { Loops } from "./loops.js";
import { NodeAttempts } from "./node-attempts.js";
import { NodeRunner } from "./node-runner.js";
import { ParallelRegions } from "./parallel-regions.js";
import { Propagation } from "./propagation.js";
import { RunServices } from "./run-context.js";
import type { RunControl } from "./run-control.js";
import { RunFrames } from "./run-frames.js";
import { RunLimits } from "./run-limits.js";
import { RunRecords } from "./run-records.js";
import { RunWaits } from "./run-waits.js";
import { Scheduler } from "./scheduler.js";
import { selectTrigger } from "./trigger-selection.js";

/**
 * One execution of a compiled workflow, put together from its parts: the scheduler starts ready
 * nodes, the node runner runs and finishes them (loops through Loops), propagation resolves their
 * edges (joins, dead paths), the limits and the records keep count, checkpoints serve
 * durability. This class wires them, starts the run and ends it, once. All time goes through the
 * clock port and all side effects through the gateway.
 */
export class WorkflowRun implements RunHandle, RunControl {
  readonly result: Promise<EngineResult>;
  closed = false;
  private resolveResult!: (result: EngineResult) => void;
  private controller: AbortController | null = null;
  private readonly onAbort: (() => void) | null = null;
  private readonly clock: Clock;
  private readonly triggerNode: number;
  private readonly triggerData: JsonObject;
  private readonly variables: VariableStore;
  private readonly limits: RunLimits;
  private readonly records: RunRecords;
  private readonly frames: RunFrames;
  private readonly finalOutput = new FinalOutput();
  private readonly scheduler: Scheduler;
  private readonly regions: ParallelRegions;
  private readonly propagation: Propagation;
  private readonly nodes: NodeRunner;
  private readonly loops: Loops;
  private readonly checkpoints: Checkpoints;
  private readonly waits: RunWaits;

  constructor(
    private readonly workflow: CompiledWorkflow,
    private readonly options: RunOptions,
    env: EngineEnvironment,
  ) {
    this.result = new Promise((resolve) => {
      this.resolveResult = resolve;
    });
    const clock = env.clock;
    this.clock = clock;
    // The workflow's own overrides can only lower the limits the service passes.
    const limits = effectiveLimits(
      { ...DEFAULT_ENGINE_LIMITS, ...options.limits },
      workflow.limits,
    );
    const mode = options.mode ?? "live";
    this.triggerNode = selectTrigger(workflow, options.trigger?.triggerNodeId);
    this.triggerData = options.trigger?.data ?? {};
    const resume = options.resume;
    if (resume !== undefined) checkResume(resume, workflow, options.context);
    this.variables = resume
      ? new VariableStore(resume.variables, limits.maxVariablesBytes, resume.variableStamps)
      : new VariableStore(
          { ...workflow.globalVariables, ...(options.variables ?? {}) },
          limits.maxVariablesBytes,
        );
    this.limits = new RunLimits(limits, resume?.elapsedMs ?? 0, clock, this);
    this.records = new RunRecords(options, this.limits, clock);
    this.frames = new RunFrames(workflow, this.variables, this.triggerData, options.context, mode);
    const root = this.frames.root;
    this.waits = new RunWaits(
      mode === "live" ? (options.parking?.minWaitMs ?? null) : null,
      root,
      () => this.loops.active,
      resume?.waits,
    );
    // Upward calls (the scheduler starts nodes, propagation ends loop iterations, the node
    // runner starts loops) go through these closures, so that each part only knows those below.
    this.scheduler = new Scheduler(
      this,
      this.limits,
      this.records,
      root,
      clock,
      this.waits,
      (frame, local) => this.nodes.start(frame, local),
    );
    this.regions = new ParallelRegions(workflow, this, this.limits, clock);
    this.propagation = new Propagation(
      workflow,
      root,
      this.scheduler,
      this.records,
      this.regions,
      (body) => this.loops.bodyDone(body),
    );
    const services = new RunServices(
      options,
      mode,
      // A dry-run cannot reach the network even if a node forgot to check the mode.
      mode === "dry_run" ? refusingActionGateway : env.gateway,
      clock,
      this.triggerData,
      this,
      this.records,
      this.variables,
      root,
      this.waits,
    );
    this.nodes = new NodeRunner(
      workflow,
      this,
      this.scheduler,
      this.limits,
      this.records,
      this.propagation,
      this.regions,
      this.finalOutput,
      new NodeAttempts(services, this, this.limits, clock),
      clock,
      this.waits,
      (frame, local, node, record, input) => this.loops.start(frame, local, node, record, input),
    );
    this.loops = new Loops(
      workflow,
      this,
      this.frames,
      this.scheduler,
      this.limits,
      this.nodes,
      clock,
    );
    this.checkpoints = new Checkpoints(
      workflow,
      options.context,
      root,
      this.propagation,
      this.records,
      this.limits,
      this.variables,
      this.finalOutput,
      this.loops,
      this.waits,
      clock,
    );
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
      if (this.options.resume !== undefined) {
        this.checkpoints.replay(this.options.resume);
        const cancelled = this.options.cancelOnResume;
        if (cancelled !== undefined) {
          this.stop("cancelled", null, cancelled, null);
          return this;
        }
      }
      this.seedRoot();
      this.scheduler.pump();
    } catch (error) {
      this.crash(error);
    }
    return this;
  }

  takeCheckpoint(): EngineCheckpoint | null {
    return this.checkpoints.take();
  }

  signal(): AbortSignal {
    if (this.controller === null) this.controller = new AbortController();
    return this.controller.signal;
  }

  crash(error: unknown): void {
    if (error instanceof RunLimitError) this.stop("failed", error.reason, error.message, null);
    else this.stop("failed", "INTERNAL_ERROR", `engine error: ${messageOf(error)}`, null);
  }

  stop(
    status: EngineStatus,
    reason: ErrorReason | null,
    message: string | null,
    nodeId: string | null,
  ): void {
    if (this.closed) return;
    this.closed = true;
    if (this.onAbort !== null) this.options.signal?.removeEventListener("abort", this.onAbort);
    this.controller?.abort(new Error(message ?? status));
    this.regions.stopAll(this.frames.live);
    // A waiting run keeps its unfinished nodes as they are: they continue when it resumes.
    if (status !== "completed" && status !== "waiting") this.cancelUnfinished();
    const endMs = this.clock.now();
    const limits = this.limits;
    const result: EngineResult = {
      status,
      errorReason: reason,
      errorMessage: message,
      errorNodeId: nodeId,
      finalOutput: this.finalOutput.value,
      finalVariables: this.variables.values,
      nodesExecuted: this.records.nodesExecuted,
      failedNodes: [...new Set(this.records.failedNodes)],
      operations: limits.operations,
      startedAt: new Date(limits.startedAtMs),
      completedAt: new Date(endMs),
      durationMs: limits.elapsedBefore + Math.max(0, endMs - limits.startedAtMs),
      counts: { ...this.records.counts },
      trace: this.records.traceInSequence(),
      wait: status === "waiting" ? this.waits.summary() : null,
    };
    this.records.emit({ type: "execution_finished", result });
    this.resolveResult(result);
  }

  /** The chosen trigger starts; nodes that can never receive input are skipped. */
  private seedRoot(): void {
    const root = this.frames.root;
    for (let local = 0; local < root.plan.members.length; local++) {
      if (root.status[local] !== PENDING || root.pending[local] !== 0) continue;
      const index = root.plan.members[local] as number;
      if (index === this.triggerNode) {
        root.status[local] = READY;
        root.arrivals[local] = { from: "", value: this.triggerData, next: undefined };
        this.scheduler.enqueue(root, local);
      } else {
        const node = this.workflow.nodes[index] as CompiledNode;
        this.propagation.skip(
          root,
          local,
          node.isTrigger ? "another trigger started this execution" : "the node has no inputs",
        );
      }
    }
  }

  /** Records every node that had not finished as cancelled; running ones keep their start. */
  private cancelUnfinished(): void {
    for (const frame of [...this.frames.live]) {
      for (let local = 0; local < frame.plan.members.length; local++) {
        const status = frame.status[local] as number;
        if (status > RUNNING) continue;
        frame.status[local] = CANCELLED;
        const record = frame.records[local];
        if (status === RUNNING && record !== undefined && record.status === "running") {
          this.records.log(record, "cancelled: the run stopped while this node was running");
          this.records.close(record, "cancelled", null, null);
        } else {
          const node = this.workflow.nodes[frame.plan.members[local] as number] as CompiledNode;
          this.records.notRun(
            frame,
            node,
            "cancelled",
            "cancelled: the run stopped before this node ran",
          );
        }
      }
    }
  }
}
