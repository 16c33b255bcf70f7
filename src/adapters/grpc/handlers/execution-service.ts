import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { WorkflowUseCases } from "../../../application/workflow-use-cases.js";
import { DomainError } from "../../../domain/errors.js";
import type { ExecutionStatus as DomainStatus } from "../../../domain/execution/execution-status.js";
import type { ExecutionService } from "../../../gen/waddlebot/workflow/v1/execution_service_pb.js";
import { principalOf } from "../context-keys.js";
import {
  executionEventToProto,
  executionStatusFromProto,
  executionToProto,
} from "../mappers/execution-to-proto.js";
import { fromValue, toSafeNumber, toTimestamp } from "../mappers/proto-scalars.js";
import { testResultToProto } from "../mappers/test-result-to-proto.js";
import { triggerFromProto } from "../mappers/trigger-from-proto.js";

export function executionServiceHandlers(
  useCases: WorkflowUseCases,
): ServiceImpl<typeof ExecutionService> {
  return {
    async executeWorkflow(req, ctx) {
      const execution = await useCases.executeWorkflow.execute(principalOf(ctx), {
        workflowId: req.workflowId,
        communityId: toSafeNumber(req.communityId, "community_id"),
        variables: req.variables ?? {},
        trigger: triggerFromProto(req.trigger),
        idempotencyKey: req.idempotencyKey,
      });
      return { execution: executionToProto(execution) };
    },

    async getExecution(req, ctx) {
      const execution = await useCases.getExecution.execute(principalOf(ctx), {
        executionId: req.executionId,
        omitLogs: req.omitLogs,
        omitNodeRuns: req.omitNodeRuns,
      });
      return { execution: executionToProto(execution, execution.nodeRuns) };
    },

    async cancelExecution(req, ctx) {
      const execution = await useCases.cancelExecution.execute(
        principalOf(ctx),
        req.executionId,
        req.reason,
      );
      return { execution: executionToProto(execution) };
    },

    async listExecutions(req, ctx) {
      const list = await useCases.listExecutions.execute(principalOf(ctx), {
        workflowId: req.workflowId,
        ...(req.communityId === 0n
          ? {}
          : { communityId: toSafeNumber(req.communityId, "community_id") }),
        statuses: req.statuses.map(statusFromProto),
        ...(req.createdAfter ? { createdAfter: timestampDate(req.createdAfter) } : {}),
        ...(req.createdBefore ? { createdBefore: timestampDate(req.createdBefore) } : {}),
        // 0 and "" are proto3's unset values.
        ...(req.page === 0 ? {} : { page: req.page }),
        perPage: req.perPage,
        ...(req.pageToken === "" ? {} : { pageToken: req.pageToken }),
      });
      return {
        executions: list.executions.map((e) => executionToProto(e)),
        ...(list.pagination === null
          ? {}
          : { pagination: { ...list.pagination, total: BigInt(list.pagination.total) } }),
        nextPageToken: list.nextPageToken ?? "",
      };
    },

    async testWorkflow(req, ctx) {
      const mocks = Object.fromEntries(
        Object.entries(req.nodeMocks).map(([nodeId, value]) => [nodeId, fromValue(value)]),
      );
      const result = await useCases.testWorkflow.execute(
        principalOf(ctx),
        {
          workflowId: req.workflowId,
          communityId: toSafeNumber(req.communityId, "community_id"),
          variables: req.variables ?? {},
          trigger: triggerFromProto(req.trigger),
          idempotencyKey: "",
          mocks,
          ...(req.version === undefined ? {} : { version: req.version }),
        },
        ctx.signal,
      );
      return testResultToProto(result);
    },

    async *watchExecution(req, ctx) {
      let sequence = 0n;
      const events = useCases.watchExecution.execute(principalOf(ctx), req.executionId, ctx.signal);
      for await (const item of events) {
        sequence += 1n;
        if (item.kind === "snapshot") {
          yield {
            event: {
              sequence,
              time: toTimestamp(item.time),
              event: {
                case: "snapshot",
                value: executionToProto(item.execution, item.execution.nodeRuns),
              },
            },
          };
        } else {
          yield { event: executionEventToProto(item, sequence) };
        }
      }
    },
  };
}

function statusFromProto(status: number): DomainStatus {
  const domain = executionStatusFromProto(status);
  if (domain === null) {
    throw DomainError.badRequest("unknown status filter", [
      { field: "statuses", description: `unknown execution status ${status}` },
    ]);
  }
  return domain;
}
