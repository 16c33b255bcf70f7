import type { MessageInitShape } from "@bufbuild/protobuf";
import type { TestResult } from "../../../application/executions/test-workflow.js";
import type { TestWorkflowResponseSchema } from "../../../gen/waddlebot/workflow/v1/execution_service_pb.js";
import { executionStatusToProto, nodeRunToProto } from "./execution-to-proto.js";
import { toValue } from "./proto-scalars.js";

/** The TestWorkflow answer: the dry-run's outcome, its trace and its summary. */
export function testResultToProto(
  result: TestResult,
): MessageInitShape<typeof TestWorkflowResponseSchema> {
  const { outcome, summary } = result;
  return {
    executionId: result.executionId,
    workflowId: result.workflowId,
    workflowVersion: result.workflowVersion,
    // A dry-run never parks ("waiting" needs RunOptions.parking, which dry-runs never get).
    status: executionStatusToProto[outcome.status === "waiting" ? "running" : outcome.status],
    trace: result.trace.map(nodeRunToProto),
    finalVariables: outcome.finalVariables,
    finalOutput: toValue(outcome.finalOutput),
    summary: {
      nodesExecuted: summary.nodesExecuted,
      nodesFailed: summary.nodesFailed,
      totalDurationMs: BigInt(Math.round(summary.durationMs)),
      passed: summary.passed,
    },
    errorReason: outcome.errorReason ?? "",
    errorMessage: outcome.errorMessage ?? "",
    testMode: true,
  };
}
