import type { NodeRun } from "../execution/node-run.js";
import type { ExpressionBindings } from "../expressions/expression-compiler.js";
import type { JsonValue } from "../json.js";
import type { CompiledWorkflow, FramePlan } from "./compile-workflow.js";

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
 * The state of one frame: the top level, or one iteration of one loop body. Arrays are indexed
 * by the node's position among the frame plan's members, so nothing is copied per node.
 */
export class Frame {
  readonly status: Uint8Array;
  readonly pending: Int32Array;
  readonly fired: Int32Array;
  readonly arrivals: (Arrival | undefined)[];
  readonly records: (NodeRun | undefined)[];
  readonly outputs = new Map<string, JsonValue>();
  readonly nodes: FrameNodes;
  unsettled: number;
  broken = false;
  watches: Map<number, RegionWatch> | null = null;
  bindings: ExpressionBindings = {};
  /** Binding names that rule paths resolve against (computed on first use). */
  names: ReadonlySet<string> | null = null;

  constructor(
    readonly plan: FramePlan,
    readonly parent: Frame | null,
    readonly iterationPath: readonly number[],
    readonly stampPrefix: readonly number[],
    workflow: CompiledWorkflow,
  ) {
    const size = plan.members.length;
    this.status = new Uint8Array(size);
    this.pending = new Int32Array(size);
    this.fired = new Int32Array(size);
    this.arrivals = new Array(size);
    this.records = new Array(size);
    for (let i = 0; i < size; i++) {
      this.pending[i] = (workflow.nodes[plan.members[i] as number] as { inCount: number }).inCount;
    }
    this.unsettled = size;
    this.nodes = new FrameNodes(this);
  }
}

/** `nodes` as expressions see it: this frame's finished nodes, then the enclosing frames'. */
export class FrameNodes implements ReadonlyMap<string, JsonValue> {
  constructor(private readonly frame: Frame) {}

  get(key: string): JsonValue | undefined {
    for (let f: Frame | null = this.frame; f !== null; f = f.parent) {
      const value = f.outputs.get(key);
      if (value !== undefined) return value;
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
    const chain: Frame[] = [];
    for (let f: Frame | null = this.frame; f !== null; f = f.parent) chain.unshift(f);
    const out = new Map<string, JsonValue>();
    for (const f of chain) for (const [k, v] of f.outputs) out.set(k, v);
    return out;
  }
}
