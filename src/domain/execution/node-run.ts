import type { JsonValue } from "../json.js";
import type { NodeStatus } from "./execution-status.js";

export interface LogLine {
  time: Date;
  message: string;
}

/** The record of one run of one node (one per loop iteration inside loops). */
export interface NodeRun {
  /** Position in execution order, from 1. */
  sequence: number;
  nodeId: string;
  nodeType: string;
  status: NodeStatus;
  attempt: number;
  startedAt: Date | null;
  completedAt: Date | null;
  durationMs: number;
  input: JsonValue;
  output: JsonValue;
  outputTruncated: boolean;
  outputPort: string | null;
  logs: LogLine[];
  errorReason: string | null;
  errorMessage: string | null;
  iterations: number;
  operations: number;
  /** Loop iteration indexes from the outermost loop inwards; empty outside loops. */
  iterationPath: number[];
  /** Dry-run only: the request an action would have sent. */
  simulatedRequest: JsonValue | null;
}
