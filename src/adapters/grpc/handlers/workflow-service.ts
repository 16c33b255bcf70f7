import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import type { WorkflowUseCases } from "../../../application/workflow-use-cases.js";
import type { ValidationReport } from "../../../application/workflows/workflow-validator.js";
import { ValidationReportSchema } from "../../../gen/waddlebot/workflow/v1/workflow_pb.js";
import type { WorkflowService } from "../../../gen/waddlebot/workflow/v1/workflow_service_pb.js";
import { principalOf } from "../context-keys.js";
import { toSafeNumber } from "../mappers/proto-scalars.js";
import { scheduleToProto } from "../mappers/schedule-to-proto.js";
import {
  connectionsFromProto,
  limitsFromProto,
  nodesFromProto,
  statusFromProto,
} from "../mappers/workflow-from-proto.js";
import { workflowToProto } from "../mappers/workflow-to-proto.js";
import { updateInputFromProto } from "../mappers/workflow-update-from-proto.js";

export function workflowServiceHandlers(
  useCases: WorkflowUseCases,
): ServiceImpl<typeof WorkflowService> {
  return {
    async createWorkflow(req, ctx) {
      const workflow = await useCases.createWorkflow.execute(principalOf(ctx), {
        name: req.metadata?.name ?? "",
        description: req.metadata?.description ?? "",
        communityId: toSafeNumber(req.metadata?.communityId ?? 0n, "metadata.community_id"),
        entityId: toSafeNumber(req.metadata?.entityId ?? 0n, "metadata.entity_id"),
        tags: req.metadata?.tags ?? [],
        definition: {
          globalVariables: req.globalVariables ?? {},
          nodes: nodesFromProto(req.nodes),
          connections: connectionsFromProto(req.connections),
          limits: limitsFromProto(req.metadata?.limits),
        },
      });
      return { workflow: workflowToProto(workflow) };
    },

    async getWorkflow(req, ctx) {
      const workflow = await useCases.getWorkflow.execute(
        principalOf(ctx),
        req.workflowId,
        req.version,
      );
      // Schedules belong to the published version: shown with the latest one.
      const schedules =
        req.version === undefined ? await useCases.listSchedules.of(workflow.workflowId) : [];
      return { workflow: workflowToProto(workflow), schedules: schedules.map(scheduleToProto) };
    },

    async updateWorkflow(req, ctx) {
      const workflow = await useCases.updateWorkflow.execute(
        principalOf(ctx),
        updateInputFromProto(req),
      );
      return { workflow: workflowToProto(workflow) };
    },

    async listWorkflows(req, ctx) {
      const status = statusFromProto(req.status);
      const list = await useCases.listWorkflows.execute(principalOf(ctx), {
        communityId: toSafeNumber(req.communityId, "community_id"),
        ...(req.entityId === undefined
          ? {}
          : { entityId: toSafeNumber(req.entityId, "entity_id") }),
        ...(status === undefined ? {} : { status }),
        search: req.search,
        page: req.page,
        perPage: req.perPage,
      });
      return {
        workflows: list.workflows.map(workflowToProto),
        pagination: { ...list.pagination, total: BigInt(list.pagination.total) },
      };
    },

    async deleteWorkflow(req, ctx) {
      const workflow = await useCases.archiveWorkflow.execute(principalOf(ctx), req.workflowId);
      return { workflow: workflowToProto(workflow) };
    },

    async validateWorkflow(req, ctx) {
      const report = await useCases.validateWorkflow.execute(
        principalOf(ctx),
        req.workflowId,
        req.version,
      );
      return { report: reportToProto(report) };
    },

    async publishWorkflow(req, ctx) {
      const result = await useCases.publishWorkflow.execute(
        principalOf(ctx),
        req.workflowId,
        req.expectedVersion,
      );
      return { workflow: workflowToProto(result.workflow), report: reportToProto(result.report) };
    },
  };
}

function reportToProto(report: ValidationReport) {
  const issue = (i: ValidationReport["errors"][number]) => ({
    code: i.code,
    message: i.message,
    nodeId: i.nodeId,
    connectionId: i.connectionId,
    field: i.field,
  });
  return create(ValidationReportSchema, {
    isValid: report.isValid,
    errors: report.errors.map(issue),
    warnings: report.warnings.map(issue),
    errorCount: report.errors.length,
    warningCount: report.warnings.length,
  });
}
