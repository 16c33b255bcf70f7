import { DomainError } from "../../domain/errors.js";
import type { ExecutionWithNodeRuns } from "../../domain/execution/execution.js";
import type { PermissionFlag } from "../../domain/permissions/permission.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { ExecutionRepository } from "../../ports/execution-repository.js";
import type { Disclosure } from "../access/disclosure.js";
import type { ObjectAccess, Permit } from "../access/object-access.js";

/** An execution the caller may act on, and what answers about it may show the caller. */
export interface ExecutionPermit {
  execution: ExecutionWithNodeRuns;
  show: Disclosure;
}

/**
 * Loads an execution for a principal that needs `flag` on its workflow. Executions of
 * workflows the caller cannot view are reported as not found (ObjectAccess decides before
 * anything of the execution is read).
 */
export class ExecutionAccess {
  constructor(
    private readonly executions: ExecutionRepository,
    private readonly access: ObjectAccess,
  ) {}

  async require(
    principal: Principal,
    executionId: string,
    flag: PermissionFlag,
    action: string,
    options: { nodeRuns: boolean; logs: boolean } = { nodeRuns: false, logs: false },
  ): Promise<ExecutionPermit> {
    const permit = await this.check(principal, executionId, flag, action);
    const execution = await this.executions.get(executionId, options);
    // Executions are never deleted: only a broken database gets here.
    if (execution === null) {
      throw DomainError.notFound(`execution ${executionId} not found`, {
        execution_id: executionId,
      });
    }
    return { execution, show: permit.show };
  }

  /** The access decision alone, without reading the execution (a stream's re-check). */
  check(
    principal: Principal,
    executionId: string,
    flag: PermissionFlag,
    action: string,
  ): Promise<Permit> {
    return this.access.toExecution(principal, executionId, flag, action);
  }
}
