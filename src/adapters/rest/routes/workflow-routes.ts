import type { WorkflowUseCases } from "../../../application/workflow-use-cases.js";
import type { WorkflowStatus } from "../../../domain/workflow/workflow.js";
import { ok } from "../envelope.js";
import { FieldReader } from "../json-fields.js";
import { paginationToJson } from "../pagination-to-json.js";
import { pathId } from "../path-ids.js";
import type { RouteDefinition } from "../route.js";
import { validationToJson } from "../validation-to-json.js";
import { createWorkflowFromJson, updateWorkflowFromJson } from "../workflow-from-json.js";
import { workflowListItemToJson } from "../workflow-list-to-json.js";
import { workflowToJson } from "../workflow-to-json.js";

const workflowStatuses: readonly WorkflowStatus[] = ["draft", "published", "archived"];

/** The original module's workflow management API (W1-W7). */
export function workflowRoutes(useCases: WorkflowUseCases): RouteDefinition[] {
  return [
    {
      method: "POST",
      path: "/api/v1/workflows",
      route: {
        auth: true,
        async handle(ctx, principal) {
          const input = createWorkflowFromJson(await ctx.body());
          const workflow = await useCases.createWorkflow.execute(principal, input);
          return ok(workflowToJson(workflow), { status: 201, message: "Workflow created" });
        },
      },
    },
    {
      method: "GET",
      path: "/api/v1/workflows",
      route: {
        auth: true,
        async handle(ctx, principal) {
          const q = ctx.query;
          const communityId = q.integer("community_id", 1);
          const entityId = q.integer("entity_id", 0);
          const status = q.oneOf("status", workflowStatuses);
          const page = q.integer("page", 1);
          const perPage = q.integer("per_page", 1);
          const search = q.string("search");
          q.throwIfInvalid();
          const list = await useCases.listWorkflows.execute(principal, {
            ...(communityId === undefined ? {} : { communityId }),
            ...(entityId === undefined ? {} : { entityId }),
            ...(status === undefined ? {} : { status }),
            ...(search === undefined ? {} : { search }),
            ...(page === undefined ? {} : { page }),
            ...(perPage === undefined ? {} : { perPage }),
          });
          return ok(list.workflows.map(workflowListItemToJson), {
            meta: { pagination: paginationToJson(list.pagination) },
          });
        },
      },
    },
    {
      method: "GET",
      path: "/api/v1/workflows/:workflow_id",
      route: {
        auth: true,
        async handle(ctx, principal) {
          const workflowId = pathId(ctx.params.workflow_id, "workflow_id");
          const version = ctx.query.integer("version", 1);
          ctx.query.throwIfInvalid();
          const workflow = await useCases.getWorkflow.execute(principal, workflowId, version);
          return ok(workflowToJson(workflow));
        },
      },
    },
    {
      method: "PUT",
      path: "/api/v1/workflows/:workflow_id",
      route: {
        auth: true,
        async handle(ctx, principal) {
          const workflowId = pathId(ctx.params.workflow_id, "workflow_id");
          const input = updateWorkflowFromJson(workflowId, await ctx.body());
          const workflow = await useCases.updateWorkflow.execute(principal, input);
          return ok(workflowToJson(workflow), { message: "Workflow updated" });
        },
      },
    },
    {
      method: "DELETE",
      path: "/api/v1/workflows/:workflow_id",
      route: {
        auth: true,
        async handle(ctx, principal) {
          const workflowId = pathId(ctx.params.workflow_id, "workflow_id");
          const workflow = await useCases.archiveWorkflow.execute(principal, workflowId);
          return ok(
            { workflow_id: workflow.workflowId, status: workflow.status },
            { message: "Workflow archived" },
          );
        },
      },
    },
    {
      method: "POST",
      path: "/api/v1/workflows/:workflow_id/publish",
      route: {
        auth: true,
        async handle(ctx, principal) {
          const workflowId = pathId(ctx.params.workflow_id, "workflow_id");
          const body = await ctx.body();
          const reader = new FieldReader();
          const expectedVersion = reader.integer(body.expected_version, "expected_version", 1);
          reader.throwIfAny("invalid publish request");
          const result = await useCases.publishWorkflow.execute(
            principal,
            workflowId,
            expectedVersion,
          );
          return ok(workflowToJson(result.workflow), {
            message: "Workflow published",
            meta: { validation: validationToJson(result.report) },
          });
        },
      },
    },
    {
      method: "POST",
      path: "/api/v1/workflows/:workflow_id/validate",
      route: {
        auth: true,
        async handle(ctx, principal) {
          const workflowId = pathId(ctx.params.workflow_id, "workflow_id");
          const body = await ctx.body();
          const reader = new FieldReader();
          const version =
            ctx.query.integer("version", 1) ?? reader.integer(body.version, "version", 1);
          ctx.query.throwIfInvalid();
          reader.throwIfAny("invalid validate request");
          const report = await useCases.validateWorkflow.execute(principal, workflowId, version);
          return ok(validationToJson(report));
        },
      },
    },
  ];
}
