import type { NodeRun } from "../../execution/node-run.js";
import type { JsonValue } from "../../json.js";
import type { ExpressionBindings } from "../../ports/expression-compiler.js";
import type { CompiledNode, CompiledWorkflow, FramePlan } from "../compile-workflow.js";

export const PENDING = 0;
export const READY = 1;
export const RUNNING = 2;
export const COMPLETED = 3;
export const FAILED = 4;
export const SKIPPED = 5;
export const CANCELLED = 6;

/** One value that arrived on a fired edge. */
export interface Arrival {
  from: string;
  value: JsonValue;
  next: Arrival | undefined;
}

/** A running flow_parallel's timed branches in one frame. */
export interface RegionWatch {
  remaining: number;
  stop: AbortController;
}

/**
 * The state of one frame: the top level, or one iteration of one loop body (a loop reuses its
 * body frame from one iteration to the next). Arrays are indexed by the node's position among
 * the frame plan's members, so nothing is copied per node.
 */
export class Frame {
  readonly status: number[];
  readonly pending: number[];
  readonly fired: number[];
  readonly arrivals: (Arrival | undefined)[];
  readonly records: (NodeRun | undefined)[];
  readonly outs: JsonValue[];
  readonly ports: (string | null)[];
  readonly nodes: FrameNodes;
  unsettled: number;
  broken = false;
  watches: Map<number, RegionWatch> | null = null;
  bindings: Record<string, ExpressionBindings[string]> = {};
  /** The loop iteration state this body frame belongs to (null for the top level). */
  loopRun: unknown = null;
  /** Binding names that rule paths resolve against (computed on first use). */
  names: ReadonlySet<string> | null = null;

  constructor(
    readonly plan: FramePlan,
    readonly parent: Frame | null,
    public iterationPath: readonly number[],
    public stampPrefix: readonly number[],
    private readonly workflow: CompiledWorkflow,
  ) {
    const size = plan.members.length;
    this.status = new Array<number>(size).fill(PENDING);
    this.pending = new Array<number>(size).fill(0);
    this.fired = new Array<number>(size).fill(0);
    this.arrivals = new Array(size);
    this.records = new Array(size);
    this.outs = new Array(size);
    this.ports = new Array(size);
    this.unsettled = size;
    this.initPending();
    this.nodes = new FrameNodes(this, workflow);
  }

  /** Prepares the frame for the next iteration of its loop. */
  reset(iterationPath: readonly number[], stampPrefix: readonly number[]): void {
    this.iterationPath = iterationPath;
    this.stampPrefix = stampPrefix;
    const size = this.plan.members.length;
    for (let i = 0; i < size; i++) {
      this.status[i] = PENDING;
      this.fired[i] = 0;
      this.arrivals[i] = undefined;
      this.records[i] = undefined;
      this.outs[i] = null;
      this.ports[i] = null;
    }
    this.unsettled = size;
    this.broken = false;
    this.initPending();
  }

  private initPending(): void {
    const members = this.plan.members;
    for (let i = 0; i < members.length; i++) {
      this.pending[i] = (this.workflow.nodes[members[i] as number] as CompiledNode).inCount;
    }
  }
}

const statusNames = ["pending", "ready", "running", "completed", "failed", "skipped", "cancelled"];

/**
 * `nodes` as expressions see it: `{output, port, status}` of every node of this frame and the
 * enclosing frames that ran (completed, or failed into its error port). Built on access.
 */
export class FrameNodes implements ReadonlyMap<string, JsonValue> {
  constructor(
    private readonly frame: Frame,
    private readonly workflow: CompiledWorkflow,
  ) {}

  get(key: string): JsonValue | undefined {
    const index = this.workflow.nodeIndex.get(key);
    if (index === undefined) return undefined;
    const node = this.workflow.nodes[index] as CompiledNode;
    for (let f: Frame | null = this.frame; f !== null; f = f.parent) {
      if (f.plan.index !== node.frame) continue;
      const status = f.status[node.local] as number;
      if (status !== COMPLETED && status !== FAILED) return undefined;
      return {
        output: f.outs[node.local] as JsonValue,
        port: f.ports[node.local] ?? null,
        status: statusNames[status] as string,
      };
    }
    return undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  get size(): number {
    return this.merged().size;
  }

  forEach(
    callback: (value: JsonValue, key: string, map: ReadonlyMap<string, JsonValue>) => void,
  ): void {
    for (const [key, value] of this.merged()) callback(value, key, this);
  }

  entries(): MapIterator<[string, JsonValue]> {
    return this.merged().entries();
  }

  keys(): MapIterator<string> {
    return this.merged().keys();
  }

  values(): MapIterator<JsonValue> {
    return this.merged().values();
  }

  [Symbol.iterator](): MapIterator<[string, JsonValue]> {
    return this.entries();
  }

  private merged(): Map<string, JsonValue> {
    const out = new Map<string, JsonValue>();
    for (const node of this.workflow.nodes) {
      const value = this.get(node.id);
      if (value !== undefined) out.set(node.id, value);
    }
    return out;
  }
}
