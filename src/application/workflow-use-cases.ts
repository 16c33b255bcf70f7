import type { CancelExecution } from "./executions/cancel-execution.js";
import type { ExecuteWorkflow } from "./executions/execute-workflow.js";
import type { GetExecution } from "./executions/get-execution.js";
import type { GuardedWatchExecution } from "./executions/guarded-watch-execution.js";
import type { ListExecutions } from "./executions/list-executions.js";
import type { TestWorkflow } from "./executions/test-workflow.js";
import type { ManagePermissions } from "./permissions/manage-permissions.js";
import type { CommunityStopSwitch } from "./triggers/community-stop-switch.js";
import type { DispatchChatEvent } from "./triggers/dispatch-chat-event.js";
import type { ListSchedules } from "./triggers/list-schedules.js";
import type { ManageWebhooks } from "./triggers/manage-webhooks.js";
import type { ArchiveWorkflow } from "./workflows/archive-workflow.js";
import type { CreateWorkflow } from "./workflows/create-workflow.js";
import type { GetWorkflow } from "./workflows/get-workflow.js";
import type { ListWorkflows } from "./workflows/list-workflows.js";
import type { PublishWorkflow } from "./workflows/publish-workflow.js";
import type { UpdateWorkflow } from "./workflows/update-workflow.js";
import type { ValidateWorkflow } from "./workflows/validate-workflow.js";

/** The workflow, execution and permission use cases, as transports (RPC and REST) receive them. */
export interface WorkflowUseCases {
  createWorkflow: CreateWorkflow;
  getWorkflow: GetWorkflow;
  updateWorkflow: UpdateWorkflow;
  listWorkflows: ListWorkflows;
  archiveWorkflow: ArchiveWorkflow;
  validateWorkflow: ValidateWorkflow;
  publishWorkflow: PublishWorkflow;
  managePermissions: ManagePermissions;
  executeWorkflow: ExecuteWorkflow;
  getExecution: GetExecution;
  cancelExecution: CancelExecution;
  listExecutions: ListExecutions;
  testWorkflow: TestWorkflow;
  watchExecution: GuardedWatchExecution;
  dispatchChatEvent: DispatchChatEvent;
  communityStops: CommunityStopSwitch;
  webhooks: ManageWebhooks;
  listSchedules: ListSchedules;
}
