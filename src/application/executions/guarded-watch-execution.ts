import type { Principal } from "../../domain/permissions/principal.js";
import type { StreamGuard } from "../access/stream-guard.js";
import type { ExecutionAccess } from "./execution-access.js";
import type { WatchExecution } from "./watch-execution.js";

/**
 * WatchExecution kept to what a new call would be allowed (StreamGuard): the stream ends with
 * UNAUTHORIZED once its key is revoked, and with NOT_FOUND once its caller can no longer view
 * the workflow (or PERMISSION_DENIED had can_view stayed but the needed flag gone).
 */
export class GuardedWatchExecution {
  constructor(
    private readonly watch: WatchExecution,
    private readonly access: ExecutionAccess,
    private readonly guard: StreamGuard,
  ) {}

  execute(principal: Principal, executionId: string, signal: AbortSignal) {
    return this.guard.guard(
      principal,
      "watch_execution",
      () => this.access.check(principal, executionId, "can_view", "watch_execution"),
      (stop) => this.watch.execute(principal, executionId, stop),
      signal,
    );
  }
}
