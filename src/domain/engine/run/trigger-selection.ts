import { DomainError } from "../../errors.js";
import type { CompiledWorkflow } from "../compile-workflow.js";

/**
 * The trigger a run starts at: the one named, or the only one. Throws BAD_REQUEST when the name
 * is not a trigger of the workflow, or when there are several and none is named.
 */
export function selectTrigger(workflow: CompiledWorkflow, wanted: string | undefined): number {
  const triggers = workflow.triggers;
  if (wanted !== undefined && wanted !== "") {
    const index = workflow.nodeIndex.get(wanted);
    if (index === undefined || !triggers.includes(index)) {
      throw DomainError.badRequest(`"${wanted}" is not a trigger node of this workflow`, [
        { field: "trigger.trigger_node_id", description: "not a trigger node of the workflow" },
      ]);
    }
    return index;
  }
  if (triggers.length !== 1) {
    const ids = triggers.map((t) => workflow.nodes[t]?.id).join(", ");
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
