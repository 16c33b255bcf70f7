import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { createWorkflow } from "../rest/create-workflow.js";
import { greeterWorkflow } from "../rest/fixtures.js";
import { expectError, expectSuccess } from "../rest/helpers.js";
import { expectConnectError } from "../server/expect-error.js";
import { type BothApis, restViolations, rpcViolations, startBothApis } from "./both-apis.js";

const cursorConflict = [
  { field: "page_token", description: "cursor paging is newest first and has no page number" },
];

describe("page_token beside page or a sort order, over REST and RPC", () => {
  let apis: BothApis;
  let workflowId: string;
  let token: string;

  before(async () => {
    apis = await startBothApis();
    workflowId = await createWorkflow(apis.rest, greeterWorkflow(123), { publish: true });
    for (let i = 0; i < 3; i++) {
      expectSuccess(
        await apis.rest.post(`/api/v1/workflows/${workflowId}/execute`, { community_id: 123 }),
        202,
      );
    }
    const first = await apis.executions.listExecutions({ workflowId, perPage: 2 });
    token = first.nextPageToken;
    assert.notEqual(token, "");
  });
  after(() => apis.svc.close());

  it("is BAD_REQUEST on page_token over REST, with page or with sorting", async () => {
    const base = `/api/v1/workflows/${workflowId}/executions`;
    const token_ = encodeURIComponent(token);
    for (const query of [
      "page_token=&page=2",
      `page_token=${token_}&page=1`,
      "page_token=&sort_by=status",
      `page_token=${token_}&sort_order=asc`,
    ]) {
      const details = expectError(await apis.rest.get(`${base}?${query}`), 400, "BAD_REQUEST");
      assert.deepEqual(restViolations(details), cursorConflict, query);
    }
  });

  it("is the same INVALID_ARGUMENT over RPC when page is set beside page_token", async () => {
    const restReply = await apis.rest.get(
      `/api/v1/workflows/${workflowId}/executions?page_token=${encodeURIComponent(token)}&page=2`,
    );
    const error = await expectConnectError(
      apis.executions.listExecutions({ workflowId, pageToken: token, page: 2 }),
      Code.InvalidArgument,
      "BAD_REQUEST",
    );
    assert.deepEqual(rpcViolations(error), cursorConflict);
    assert.equal(error.rawMessage, restReply.body.message);
  });

  it("pages with the cursor alone on both, without totals", async () => {
    const rpc = await apis.executions.listExecutions({ workflowId, perPage: 2, pageToken: token });
    assert.equal(rpc.executions.length, 1);
    assert.equal(rpc.pagination, undefined);
    const rest = await apis.rest.get(
      `/api/v1/workflows/${workflowId}/executions?per_page=2&page_token=${encodeURIComponent(token)}`,
    );
    const data = expectSuccess(rest, 200);
    assert.deepEqual(
      data.map((e: { execution_id: string }) => e.execution_id),
      rpc.executions.map((e) => e.executionId),
    );
    assert.equal("pagination" in rest.body.meta, false);
  });
});
