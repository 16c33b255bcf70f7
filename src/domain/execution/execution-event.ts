import type { ExecutionWait } from "./execution.js";
import type { ExecutionStatus } from "./execution-status.js";
import type { NodeRun } from "./node-run.js";

/** What watchers of an execution are told, after it has been persisted. */
export type ExecutionEvent =
  | { kind: "node_run"; executionId: string; time: Date; nodeRun: NodeRun }
  | {
      kind: "status";
      executionId: string;
      time: Date;
      status: ExecutionStatus;
      errorReason: string | null;
      errorMessage: string | null;
      /** The run parked (set) or is no longer parked (null); absent: unchanged. */
      wait?: ExecutionWait | null;
    };
