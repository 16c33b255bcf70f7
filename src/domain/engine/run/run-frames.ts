import type { JsonObject, JsonValue } from "../../json.js";
import { BASE_NAMES } from "../../workflow/analyse-workflow.js";
import type { CompiledWorkflow } from "../compile-workflow.js";
import type { RunMode, TrustedContext } from "../engine-types.js";
import type { VariableStore } from "../variable-store.js";
import { Frame } from "./frame.js";

/**
 * The frames of a run, each with the bindings its expressions see: the top level, and one per
 * running loop body (a loop reuses its body frame from one iteration to the next).
 */
export class RunFrames {
  readonly root: Frame;
  /** Frames whose unfinished nodes are cancelled when the run stops. */
  readonly live = new Set<Frame>();
  private readonly executionInfo: JsonObject;

  constructor(
    private readonly workflow: CompiledWorkflow,
    private readonly variables: VariableStore,
    private readonly triggerData: JsonObject,
    context: TrustedContext,
    mode: RunMode,
  ) {
    this.executionInfo = {
      execution_id: context.executionId,
      workflow_id: context.workflowId,
      workflow_version: context.workflowVersion,
      user_id: context.userId,
      community_id: context.communityId,
      entity_id: context.entityId,
      session_id: context.sessionId,
      platform: context.platform,
      mode,
    };
    this.root = this.create(0, null, [], [], null);
  }

  create(
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
    this.live.add(frame);
    return frame;
  }

  /** A loop body frame whose loop has ended. */
  release(frame: Frame): void {
    this.live.delete(frame);
  }
}

/** The names a frame's value paths resolve against (computed on first use). */
export function scopeNames(frame: Frame): ReadonlySet<string> {
  frame.names ??= new Set(Object.keys(frame.bindings).concat(BASE_NAMES));
  return frame.names;
}
