/**
 * The load generator's clients: Connect protocol, binary protobuf, over one HTTP/2 (h2c)
 * connection per client set, sending the admin key as X-API-Key.
 */
import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { ExecutionService } from "../../src/gen/waddlebot/workflow/v1/execution_service_pb.js";
import { WorkflowService } from "../../src/gen/waddlebot/workflow/v1/workflow_service_pb.js";

export interface BenchClients {
  /** The service's base URL (for plain HTTP requests such as /health). */
  baseUrl: string;
  executions: Client<typeof ExecutionService>;
  workflows: Client<typeof WorkflowService>;
  close(): void;
}

export function connectClients(baseUrl: string, apiKey: string): BenchClients {
  const sessionManager = new Http2SessionManager(baseUrl);
  const transport = createConnectTransport({
    baseUrl,
    httpVersion: "2",
    sessionManager,
    useBinaryFormat: true,
    interceptors: [
      (next) => (req) => {
        req.header.set("x-api-key", apiKey);
        return next(req);
      },
    ],
  });
  return {
    baseUrl,
    executions: createClient(ExecutionService, transport),
    workflows: createClient(WorkflowService, transport),
    close: () => sessionManager.abort(),
  };
}
