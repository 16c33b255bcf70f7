import type { UpdateWorkflowInput } from "../../../application/workflows/update-workflow.js";
import { DomainError } from "../../../domain/errors.js";
import type { UpdateWorkflowRequest } from "../../../gen/waddlebot/workflow/v1/workflow_service_pb.js";
import { connectionsFromProto, limitsFromProto, nodesFromProto } from "./workflow-from-proto.js";

const maskPaths = [
  "metadata.name",
  "metadata.description",
  "metadata.limits",
  "metadata.tags",
  "global_variables",
  "nodes",
  "connections",
] as const;

/** Turns the update mask (empty = every field) into the fields the use case replaces. */
export function updateInputFromProto(req: UpdateWorkflowRequest): UpdateWorkflowInput {
  const paths = req.updateMask?.paths.length ? req.updateMask.paths : [...maskPaths];
  const unknown = paths.filter((p) => !(maskPaths as readonly string[]).includes(p));
  if (unknown.length > 0) {
    throw DomainError.badRequest(
      "invalid update_mask",
      unknown.map((p) => ({ field: "update_mask", description: `unknown path "${p}"` })),
    );
  }
  const has = (path: (typeof maskPaths)[number]) => paths.includes(path);
  const input: UpdateWorkflowInput = { workflowId: req.workflowId };
  if (req.expectedVersion !== undefined) input.expectedVersion = req.expectedVersion;
  if (has("metadata.name")) input.name = req.metadata?.name ?? "";
  if (has("metadata.description")) input.description = req.metadata?.description ?? "";
  if (has("metadata.limits")) input.limits = limitsFromProto(req.metadata?.limits);
  if (has("metadata.tags")) input.tags = req.metadata?.tags ?? [];
  if (has("global_variables")) input.globalVariables = req.globalVariables ?? {};
  if (has("nodes")) input.nodes = nodesFromProto(req.nodes);
  if (has("connections")) input.connections = connectionsFromProto(req.connections);
  return input;
}
