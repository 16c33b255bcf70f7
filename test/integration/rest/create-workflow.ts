import { expectSuccess } from "./helpers.js";
import type { RestClient } from "./rest-client.js";

/** Creates a workflow over REST (and publishes it when asked); returns its id. */
export async function createWorkflow(
  client: RestClient,
  body: Record<string, unknown>,
  options: { publish?: boolean } = {},
): Promise<string> {
  const created = expectSuccess(await client.post("/api/v1/workflows", body), 201);
  const workflowId = created.workflow_id as string;
  if (options.publish) {
    expectSuccess(await client.post(`/api/v1/workflows/${workflowId}/publish`), 200);
  }
  return workflowId;
}
