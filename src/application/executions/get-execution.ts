import type { ExecutionWithNodeRuns } from "../../domain/execution/execution.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Disclosed } from "../access/disclosure.js";
import { checkIds } from "../input-limits/input-check.js";
import type { ExecutionAccess } from "./execution-access.js";

interface GetExecutionInput {
  executionId: string;
  omitLogs: boolean;
  omitNodeRuns: boolean;
}

/** The stored state of one execution with its node records. Needs can_view. */
export class GetExecution {
  constructor(private readonly access: ExecutionAccess) {}

  async execute(
    principal: Principal,
    input: GetExecutionInput,
  ): Promise<Disclosed<ExecutionWithNodeRuns>> {
    checkIds({ execution_id: input.executionId });
    const { execution, show } = await this.access.require(
      principal,
      input.executionId,
      "can_view",
      "get_execution",
      { nodeRuns: !input.omitNodeRuns, logs: !input.omitLogs && !input.omitNodeRuns },
    );
    return show.executionWithNodeRuns(execution);
  }
}
