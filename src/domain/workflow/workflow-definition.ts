import type { JsonObject } from "../json.js";

/** A node of the graph. `config` holds the type-specific fields of the node catalogue. */
export interface WorkflowNode {
  nodeId: string;
  nodeType: string;
  label: string;
  position: { x: number; y: number };
  enabled: boolean;
  description: string;
  config: JsonObject;
}

/** A directed edge from an output port to an input port. */
export interface WorkflowConnection {
  connectionId: string;
  fromNodeId: string;
  fromPortName: string;
  toNodeId: string;
  toPortName: string;
  enabled: boolean;
}

/** Per-workflow overrides; absent fields use the service defaults, larger values are clamped. */
export interface WorkflowLimits {
  timeoutSeconds?: number;
  maxLoopIterations?: number;
  maxTotalOperations?: number;
  maxLoopDepth?: number;
  maxParallelNodes?: number;
}

/** The executable part of a workflow version. */
export interface WorkflowDefinition {
  globalVariables: JsonObject;
  nodes: WorkflowNode[];
  connections: WorkflowConnection[];
  limits: WorkflowLimits;
}
