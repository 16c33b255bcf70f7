export type ExecutionStatus =
  | "pending"
  | "running"
  | "completed"
  | "failed"
  | "cancelled"
  | "paused";

export type NodeStatus =
  | "pending"
  | "ready"
  | "running"
  | "completed"
  | "failed"
  | "skipped"
  | "cancelled"
  | "paused";

const terminal: ReadonlySet<ExecutionStatus> = new Set(["completed", "failed", "cancelled"]);

export function isTerminalStatus(status: ExecutionStatus): boolean {
  return terminal.has(status);
}
