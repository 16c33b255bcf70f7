import type { WorkflowUseCases } from "../../../application/workflow-use-cases.js";
import type { ExecutionStatus } from "../../../domain/execution/execution-status.js";
import type { ExecutionSort } from "../../../ports/execution-repository.js";
import { errorReply, ok } from "../envelope.js";
import { executeInputFromJson, testInputFromJson } from "../execution-from-json.js";
import {
  executionDetailToJson,
  executionListItemToJson,
  executionStartedToJson,
  testOutcomeToJson,
  testResultToJson,
} from "../execution-to-json.js";
import { isoTime } from "../iso-time.js";
import { FieldReader } from "../json-fields.js";
import { paginationToJson } from "../pagination-to-json.js";
import { pathId } from "../path-ids.js";
import type { QueryParams } from "../query-params.js";
import { headerValue, type RouteDefinition } from "../route.js";

const executionStatuses: readonly ExecutionStatus[] = [
  "pending",
  "running",
  "completed",
  "failed",
  "cancelled",
  "paused",
];
const sortFields = ["start_time", "status", "execution_time", "created_at"] as const;
const sortOrders = ["asc", "desc"] as const;

/** The quick reference's execution API (E1-E5). */
export function executionRoutes(useCases: WorkflowUseCases): RouteDefinition[] {
  return [
    {
      method: "POST",
      path: "/api/v1/workflows/:workflow_id/execute",
      route: {
        auth: true,
        async handle(ctx, principal) {
          const workflowId = pathId(ctx.params.workflow_id, "workflow_id");
          const input = executeInputFromJson(
            workflowId,
            await ctx.body(),
            headerValue(ctx.headers, "idempotency-key"),
          );
          const execution = await useCases.executeWorkflow.execute(principal, input);
          return ok(executionStartedToJson(execution), {
            status: 202,
            message: "Workflow execution started",
          });
        },
      },
    },
    {
      method: "GET",
      path: "/api/v1/workflows/executions/:execution_id",
      route: {
        auth: true,
        async handle(ctx, principal) {
          const executionId = pathId(ctx.params.execution_id, "execution_id");
          const includeLogs = ctx.query.boolean("include_logs", true);
          const includeNodeRuns = ctx.query.boolean("include_node_runs", true);
          const includeMetrics = ctx.query.boolean("include_metrics", false);
          ctx.query.throwIfInvalid();
          const execution = await useCases.getExecution.execute(principal, {
            executionId,
            omitLogs: !includeLogs,
            // Metrics are computed from the node runs even when they are not shown.
            omitNodeRuns: !includeNodeRuns && !includeMetrics,
          });
          return {
            ...ok(
              executionDetailToJson(execution, {
                nodeRuns: includeNodeRuns,
                metrics: includeMetrics,
              }),
            ),
            whenTooLarge: {
              hint: includeNodeRuns
                ? "ask without the node runs (include_node_runs=false), or raise MAX_RESPONSE_BYTES"
                : "raise MAX_RESPONSE_BYTES",
            },
          };
        },
      },
    },
    {
      method: "POST",
      path: "/api/v1/workflows/executions/:execution_id/cancel",
      route: {
        auth: true,
        async handle(ctx, principal) {
          const executionId = pathId(ctx.params.execution_id, "execution_id");
          const body = await ctx.body();
          const reader = new FieldReader();
          const reason = reader.string(body.reason, "reason") ?? "";
          reader.throwIfAny("invalid cancel request");
          const execution = await useCases.cancelExecution.execute(principal, executionId, reason);
          const cancelled = execution.status === "cancelled";
          return ok(
            {
              execution_id: execution.executionId,
              workflow_id: execution.workflowId,
              status: execution.status,
              cancelled_at: isoTime(
                cancelled ? execution.completedAt : execution.cancelRequestedAt,
              ),
            },
            { message: cancelled ? "Execution cancelled" : "Execution cancellation requested" },
          );
        },
      },
    },
    {
      method: "GET",
      path: "/api/v1/workflows/:workflow_id/executions",
      route: {
        auth: true,
        async handle(ctx, principal) {
          const workflowId = pathId(ctx.params.workflow_id, "workflow_id");
          const q = ctx.query;
          const communityId = q.integer("community_id", 1);
          const statuses = q.list("status", executionStatuses);
          const createdAfter = q.date("created_after");
          const createdBefore = q.date("created_before");
          const page = q.integer("page", 1);
          const perPage = q.integer("per_page", 1);
          const pageToken = q.raw("page_token");
          const sort = sortOf(q);
          q.throwIfInvalid();
          const list = await useCases.listExecutions.execute(principal, {
            workflowId,
            statuses,
            ...(communityId === undefined ? {} : { communityId }),
            ...(createdAfter === undefined ? {} : { createdAfter }),
            ...(createdBefore === undefined ? {} : { createdBefore }),
            ...(page === undefined ? {} : { page }),
            ...(perPage === undefined ? {} : { perPage }),
            ...(pageToken === undefined ? {} : { pageToken }),
            ...(sort === undefined ? {} : { sort }),
          });
          return ok(list.executions.map(executionListItemToJson), {
            meta: {
              ...(list.pagination === null
                ? {}
                : { pagination: paginationToJson(list.pagination) }),
              ...(list.nextPageToken === null ? {} : { next_page_token: list.nextPageToken }),
            },
          });
        },
      },
    },
    {
      method: "POST",
      path: "/api/v1/workflows/:workflow_id/test",
      route: {
        auth: true,
        async handle(ctx, principal) {
          const workflowId = pathId(ctx.params.workflow_id, "workflow_id");
          const input = testInputFromJson(workflowId, await ctx.body());
          const result = await useCases.testWorkflow.execute(principal, input, ctx.signal);
          const data = testResultToJson(result);
          // A dry-run is not stored: if its answer is too large, the refusal still says how it
          // ended (the result without trace, variables and output).
          const whenTooLarge = {
            hint: "raise MAX_RESPONSE_BYTES to receive the trace",
            details: {
              value: {
                execution_id: result.executionId,
                workflow_id: result.workflowId,
                result: testOutcomeToJson(result),
              },
              note: "details.result is the test result without trace, final_variables and final_output",
            },
          };
          if (result.outcome.errorReason === "EXECUTION_TIMEOUT") {
            // The quick reference answers an execution timeout with 504; the trace stays available.
            return {
              ...errorReply(
                504,
                "EXECUTION_TIMEOUT",
                result.outcome.errorMessage ?? "workflow test run timed out",
                { execution_id: result.executionId, workflow_id: result.workflowId, result: data },
              ),
              whenTooLarge,
            };
          }
          return { ...ok(data, { message: "Workflow test completed" }), whenTooLarge };
        },
      },
    },
  ];
}

/** `sort_by` (default start_time) and `sort_order` (default desc); absent both, newest first. */
function sortOf(q: QueryParams): ExecutionSort | undefined {
  const by = q.oneOf("sort_by", sortFields);
  const order = q.oneOf("sort_order", sortOrders);
  if (!q.has("sort_by") && !q.has("sort_order")) return undefined;
  return { by: by ?? "start_time", order: order ?? "desc" };
}
