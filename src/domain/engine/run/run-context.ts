import type { NodeRun } from "../../execution/node-run.js";
import { resolveValuePath, type ValuePath } from "../../expressions/value-path.js";
import type { JsonObject, JsonValue } from "../../json.js";
import type { ActionGateway } from "../../ports/action-gateway.js";
import type { Clock } from "../../ports/clock.js";
import type { ExpressionBindings } from "../../ports/expression-compiler.js";
import type { CompiledNode } from "../compile-workflow.js";
import type { RunMode, RunOptions, TrustedContext } from "../engine-types.js";
import type { NodeContext } from "../node-context.js";
import type { VariableStore } from "../variable-store.js";
import type { Frame } from "./frame.js";
import type { RunControl } from "./run-control.js";
import { scopeNames } from "./run-frames.js";
import type { RunRecords } from "./run-records.js";
import type { RunWaits } from "./run-waits.js";

/** What the nodes of one run reach through their contexts; one per run. */
export class RunServices {
  constructor(
    readonly options: RunOptions,
    readonly mode: RunMode,
    readonly gateway: ActionGateway,
    readonly clock: Clock,
    readonly triggerData: JsonObject,
    private readonly control: RunControl,
    private readonly records: RunRecords,
    private readonly variables: VariableStore,
    private readonly root: Frame,
    private readonly waits: RunWaits,
  ) {}

  parkAfterMs(frame: Frame): number | null {
    return this.waits.parkAfterMs(frame);
  }

  signal(): AbortSignal {
    return this.control.signal();
  }

  log(record: NodeRun, message: string): void {
    this.records.log(record, message);
  }

  /** The deterministic variable write rule (see VariableStore); a write that loses is logged. */
  writeVariable(
    frame: Frame,
    node: CompiledNode,
    record: NodeRun,
    name: string,
    value: JsonValue,
  ): void {
    if (this.control.closed) return;
    const stamp = frame === this.root ? node.stamp : [...frame.stampPrefix, node.rank];
    if (!this.variables.write(name, value, stamp)) {
      this.records.log(
        record,
        `write to "${name}" not applied: a node later in the workflow order already wrote it`,
      );
    }
  }
}

/** The NodeContext of one attempt of one node; a class so that no closures are made per node. */
export class RunContext implements NodeContext {
  constructor(
    private readonly services: RunServices,
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
    return this.services.mode;
  }
  get mock(): JsonValue | undefined {
    return this.services.options.mocks?.[this.node.id];
  }
  get execution(): TrustedContext {
    return this.services.options.context;
  }
  get triggerData(): JsonObject {
    return this.services.triggerData;
  }
  get gateway(): ActionGateway {
    return this.services.gateway;
  }
  get clock(): Clock {
    return this.services.clock;
  }
  get signal(): AbortSignal {
    return this.services.signal();
  }
  get parkAfterMs(): number | null {
    return this.services.parkAfterMs(this.frame);
  }
  log(message: string): void {
    this.services.log(this.record, message);
  }
  resolve(path: ValuePath): JsonValue | undefined {
    return resolveValuePath(path, this.frame.bindings, scopeNames(this.frame));
  }
  writeVariable(name: string, value: JsonValue): void {
    this.services.writeVariable(this.frame, this.node, this.record, name, value);
  }
  simulate(request: JsonValue): void {
    this.record.simulatedRequest = request;
  }
}
