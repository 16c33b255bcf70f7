import type { NodeRun } from "../../execution/node-run.js";
import { resolveValuePath } from "../../expressions/value-path.js";
import type { JsonValue } from "../../json.js";
import type { Clock } from "../../ports/clock.js";
import type { ForeachConfig, WhileConfig } from "../../workflow/node-types/loops.js";
import type { CompiledNode, CompiledWorkflow } from "../compile-workflow.js";
import { NodeFailure } from "../node-failure.js";
import { type Frame, PENDING, READY } from "./frame.js";
import type { NodeRunner } from "./node-runner.js";
import type { RunControl } from "./run-control.js";
import { type RunFrames, scopeNames } from "./run-frames.js";
import type { RunLimits } from "./run-limits.js";
import type { Scheduler } from "./scheduler.js";

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
 * loop_foreach and loop_while: each iteration runs the body as a fresh frame (entered through the
 * `loop` port), the next one starts when every body node has settled, and after the last one (or
 * a loop_break) the loop node completes on `done` with `{iterations, broken}`.
 */
export class Loops {
  /** Loops iterating now (a checkpoint can only be taken when there is none). */
  active = 0;

  constructor(
    private readonly workflow: CompiledWorkflow,
    private readonly control: RunControl,
    private readonly frames: RunFrames,
    private readonly scheduler: Scheduler,
    private readonly limits: RunLimits,
    private readonly nodes: NodeRunner,
    private readonly clock: Clock,
  ) {}

  start(frame: Frame, local: number, node: CompiledNode, record: NodeRun, input: JsonValue): void {
    const depthError = this.limits.loopDepthError(node, this.workflow.frames[node.bodyFrame]);
    if (depthError !== null) {
      this.nodes.fail(frame, local, record, "LOOP_DEPTH_EXCEEDED", depthError, node);
      return;
    }
    const limit = this.limits.loopIterations(node);
    let items: readonly JsonValue[] | null = null;
    if (node.type === "loop_foreach") {
      const config = node.config as ForeachConfig;
      const value =
        config.arrayPath === null
          ? undefined
          : resolveValuePath(config.arrayPath, frame.bindings, scopeNames(frame));
      if (!Array.isArray(value)) {
        const what = value === undefined ? "missing" : "not a list";
        this.nodes.finish(frame, local, node, record, {
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
        this.nodes.fail(
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
    this.active++;
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

  /** Every node of the body's current iteration has settled. */
  bodyDone(body: Frame): void {
    const loop = body.loopRun as LoopRun | null;
    if (loop === null) return;
    if (body.broken) {
      this.end(loop, true);
      return;
    }
    loop.iteration++;
    this.nextIteration(loop);
  }

  private nextIteration(loop: LoopRun): void {
    const { node, frame, local, record } = loop;
    for (;;) {
      if (this.control.closed) return;
      let proceed: boolean;
      if (loop.items !== null) {
        proceed = loop.iteration < loop.items.length;
      } else {
        try {
          proceed =
            (node.config as WhileConfig).condition?.evaluate({
              ...loop.frame.bindings,
              index: loop.iteration,
            }) ?? false;
        } catch (error) {
          this.active--;
          this.nodes.finish(frame, local, node, record, { ok: false, error });
          return;
        }
        if (proceed && loop.iteration >= loop.limit) {
          this.active--;
          this.nodes.fail(
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
        this.end(loop, false);
        return;
      }
      if (!this.limits.countOperation(node, this.clock.now())) return;
      record.iterations = loop.iteration + 1;
      if (this.workflow.frames[node.bodyFrame]?.members.length === 0) {
        loop.iteration++;
        continue;
      }
      this.enterBody(loop);
      return;
    }
  }

  /** Starts iteration `loop.iteration`: the body frame is (re)set and its entry edges fire. */
  private enterBody(loop: LoopRun): void {
    const { node, frame } = loop;
    const path = [...frame.iterationPath, loop.iteration];
    const prefix = [...frame.stampPrefix, node.rank, loop.iteration];
    let body = loop.body;
    if (body === null) {
      body = this.frames.create(node.bodyFrame, frame, path, prefix, loopValues(loop));
      body.loopRun = loop;
      loop.body = body;
    } else {
      body.reset(path, prefix);
      bindLoopValues(body.bindings, loop);
    }
    const entryInput = loopValuesAsInput(loop);
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
        this.scheduler.enqueue(body, tl);
      }
    }
  }

  private end(loop: LoopRun, broken: boolean): void {
    this.active--;
    if (loop.body !== null) this.frames.release(loop.body);
    const iterations = broken ? loop.iteration + 1 : loop.iteration;
    loop.record.iterations = iterations;
    this.nodes.finish(loop.frame, loop.local, loop.node, loop.record, {
      ok: true,
      value: { port: "done", output: { iterations, broken } },
    });
  }
}

function loopValues(loop: LoopRun): Record<string, JsonValue> {
  if (loop.items === null) return { index: loop.iteration };
  const config = loop.node.config as ForeachConfig;
  return {
    [config.itemName]: loop.items[loop.iteration] as JsonValue,
    [config.indexName]: loop.iteration,
  };
}

function bindLoopValues(bindings: Record<string, unknown>, loop: LoopRun): void {
  if (loop.items === null) {
    bindings.index = loop.iteration;
    return;
  }
  const config = loop.node.config as ForeachConfig;
  bindings[config.itemName] = loop.items[loop.iteration] as JsonValue;
  bindings[config.indexName] = loop.iteration;
}

function loopValuesAsInput(loop: LoopRun): JsonValue {
  if (loop.items === null) return { index: loop.iteration };
  return { item: loop.items[loop.iteration] as JsonValue, index: loop.iteration };
}
