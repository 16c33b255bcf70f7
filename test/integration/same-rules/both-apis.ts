import type { Client, ConnectError } from "@connectrpc/connect";
import { ErrorInfoSchema } from "../../../src/gen/waddlebot/workflow/v1/errors_pb.js";
import { ExecutionService } from "../../../src/gen/waddlebot/workflow/v1/execution_service_pb.js";
import { WorkflowService } from "../../../src/gen/waddlebot/workflow/v1/workflow_service_pb.js";
import { startTestService, type TestService } from "../../support/server-harness.js";
import { RestClient } from "../rest/rest-client.js";

/** One service, called as an admin over REST and over Connect, for rules both APIs share. */
export interface BothApis {
  readonly svc: TestService;
  readonly rest: RestClient;
  readonly workflows: Client<typeof WorkflowService>;
  readonly executions: Client<typeof ExecutionService>;
}

export async function startBothApis(): Promise<BothApis> {
  const svc = await startTestService();
  return {
    svc,
    rest: new RestClient(svc.url, svc.adminKey),
    workflows: svc.connect(WorkflowService, "connect-h1", svc.adminKey),
    executions: svc.connect(ExecutionService, "grpc-web", svc.adminKey),
  };
}

/** The field violations of an RPC error's ErrorInfo, as REST lists them in `details`. */
export function rpcViolations(error: ConnectError): { field: string; description: string }[] {
  return (error.findDetails(ErrorInfoSchema)[0]?.fieldViolations ?? []).map((v) => ({
    field: v.field,
    description: v.description,
  }));
}

export function restViolations(details: Record<string, unknown>) {
  return (details.field_violations as { field: string; description: string }[]).map((v) => ({
    field: v.field,
    description: v.description,
  }));
}
