import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import type { Execution } from "../../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import { modalWorkflow, quickWorkflow } from "../../support/workflow-fixtures.js";
import {
  allClientKinds,
  communityA,
  communityB,
  type ExecEnv,
  ExecutionStatus,
  expectRpcError,
  rest,
  show,
  startExecEnv,
  waitForExecution,
} from "./exec-support.js";

const modes = ["ok", "fail", "ok", "slow", "ok", "ok", "fail", "ok", "slow", "ok"];

describe("ListExecutions", () => {
  let env: ExecEnv;
  let workflowId: string;
  /** Oldest first, as they were created. */
  let created: Execution[];

  before(async () => {
    env = await startExecEnv();
    workflowId = await env.publish(modalWorkflow({ communityId: communityA }));
    // Another workflow's runs must never show up.
    const otherId = await env.publish(quickWorkflow({ communityId: communityA }));
    const api = env.api("grpc-js");
    created = [];
    for (const mode of modes) {
      const started = await api.execute({
        workflowId,
        communityId: BigInt(communityA),
        variables: { mode },
      });
      created.push(started);
      await api.execute({ workflowId: otherId, communityId: BigInt(communityA) });
    }
    for (const [index, execution] of created.entries()) {
      if (modes[index] === "slow") {
        await waitForExecution(
          api,
          execution.executionId,
          (e) => e.status === ExecutionStatus.RUNNING,
        );
        await api.cancel({ executionId: execution.executionId });
      } else {
        await waitForExecution(api, execution.executionId);
      }
    }
  });
  after(() => env.close());

  const newestFirst = () => created.map((e) => e.executionId).reverse();
  const idsOf = (executions: Execution[]) => executions.map((e) => e.executionId);

  it("lists newest first with page/per_page meta", async () => {
    for (const kind of allClientKinds) {
      const api = env.api(kind);
      const first = await api.list({
        workflowId,
        communityId: BigInt(communityA),
        page: 1,
        perPage: 4,
      });
      assert.deepEqual(idsOf(first.executions), newestFirst().slice(0, 4), kind);
      const p = first.pagination;
      assert.deepEqual(
        [p?.page, p?.perPage, p?.total, p?.totalPages, p?.hasNext, p?.hasPrev],
        [1, 4, 10n, 3, true, false],
      );
      assert.ok(
        first.executions.every((e) => e.nodeRuns.length === 0),
        "lists carry no node runs",
      );
      const last = await api.list({ workflowId, page: 3, perPage: 4 });
      assert.deepEqual(idsOf(last.executions), newestFirst().slice(8));
      assert.equal(last.pagination?.hasNext, false);
      assert.equal(last.pagination?.hasPrev, true);
      const beyond = await api.list({ workflowId, page: 4, perPage: 4 });
      assert.deepEqual(beyond.executions, []);
      assert.equal(beyond.pagination?.total, 10n);
    }
  });

  it("per_page defaults to 20 and must be 1..100", async () => {
    const api = env.api("connect-h1");
    const all = await api.list({ workflowId, page: 1 });
    assert.equal(all.pagination?.perPage, 20);
    assert.deepEqual(idsOf(all.executions), newestFirst());
    for (const kind of allClientKinds) {
      await expectRpcError(
        env.api(kind).list({ workflowId, page: 1, perPage: 101 }),
        Code.InvalidArgument,
        "BAD_REQUEST",
        `${kind} per_page 101`,
      );
      await expectRpcError(
        env.api(kind).list({ workflowId, page: -1 }),
        Code.InvalidArgument,
        "BAD_REQUEST",
        `${kind} page -1`,
      );
    }
    const hundred = await api.list({ workflowId, page: 1, perPage: 100 });
    assert.equal(hundred.executions.length, 10);
  });

  it("filters by status", async () => {
    const statusOf = (index: number) =>
      modes[index] === "ok"
        ? ExecutionStatus.COMPLETED
        : modes[index] === "fail"
          ? ExecutionStatus.FAILED
          : ExecutionStatus.CANCELLED;
    const expected = (wanted: ExecutionStatus[]) =>
      created
        .filter((_, i) => wanted.includes(statusOf(i)))
        .map((e) => e.executionId)
        .reverse();
    for (const kind of allClientKinds) {
      const api = env.api(kind);
      const completed = await api.list({
        workflowId,
        page: 1,
        statuses: [ExecutionStatus.COMPLETED],
      });
      assert.deepEqual(idsOf(completed.executions), expected([ExecutionStatus.COMPLETED]), kind);
      assert.equal(completed.pagination?.total, 6n);
      assert.ok(completed.executions.every((e) => e.status === ExecutionStatus.COMPLETED));
      const unhappy = await api.list({
        workflowId,
        page: 1,
        statuses: [ExecutionStatus.FAILED, ExecutionStatus.CANCELLED],
      });
      assert.deepEqual(
        idsOf(unhappy.executions),
        expected([ExecutionStatus.FAILED, ExecutionStatus.CANCELLED]),
      );
      const none = await api.list({
        workflowId,
        page: 1,
        statuses: [ExecutionStatus.RUNNING, ExecutionStatus.PENDING],
      });
      assert.deepEqual(none.executions, []);
      assert.equal(none.pagination?.total, 0n);
    }
  });

  it("page_token pages through everything newest first, without duplicates or gaps", async () => {
    for (const kind of allClientKinds) {
      const api = env.api(kind);
      const seen: string[] = [];
      let pageToken = "";
      let pages = 0;
      do {
        const page = await api.list({ workflowId, perPage: 3, pageToken });
        if (pageToken === "") {
          assert.equal(
            page.pagination?.total,
            BigInt(newestFirst().length),
            "the first page counts",
          );
        } else {
          assert.equal(page.pagination, undefined, "cursor pages carry no totals");
        }
        assert.ok(page.executions.length <= 3);
        seen.push(...idsOf(page.executions));
        pageToken = page.nextPageToken;
        pages += 1;
        assert.ok(pages <= 10, "paging ends");
      } while (pageToken !== "");
      assert.deepEqual(seen, newestFirst(), kind);
      assert.equal(new Set(seen).size, seen.length);
    }
    // With a status filter too.
    const api = env.api("grpc-web");
    const seen: string[] = [];
    let pageToken = "";
    do {
      const page = await api.list({
        workflowId,
        perPage: 2,
        pageToken,
        statuses: [ExecutionStatus.COMPLETED],
      });
      seen.push(...idsOf(page.executions));
      pageToken = page.nextPageToken;
    } while (pageToken !== "");
    assert.equal(seen.length, 6);
    assert.equal(new Set(seen).size, 6);
    await expectRpcError(
      api.list({ workflowId, pageToken: "not-a-token" }),
      Code.InvalidArgument,
      "BAD_REQUEST",
    );
  });

  it("filters by a creation time window", async () => {
    const api = env.api("connect-h2");
    const times = created.map((e) =>
      timestampDate(e.createdAt ?? assert.fail("no createdAt")).getTime(),
    );
    const pivot = times[4] as number;
    const afterPivot = await api.list({
      workflowId,
      page: 1,
      createdAfter: timestampFromDate(new Date(pivot)),
    });
    const got = new Set(idsOf(afterPivot.executions));
    created.forEach((e, i) => {
      if ((times[i] as number) > pivot)
        assert.ok(got.has(e.executionId), `#${i} is after the pivot`);
      if ((times[i] as number) < pivot)
        assert.ok(!got.has(e.executionId), `#${i} is before the pivot`);
    });
    const beforePivot = await api.list({
      workflowId,
      page: 1,
      createdBefore: timestampFromDate(new Date(pivot)),
    });
    for (const e of beforePivot.executions) {
      assert.ok(timestampDate(e.createdAt ?? assert.fail()).getTime() <= pivot);
    }
    const future = await api.list({
      workflowId,
      page: 1,
      createdAfter: timestampFromDate(new Date(Date.now() + 3_600_000)),
    });
    assert.deepEqual(future.executions, []);
    const everything = await api.list({
      workflowId,
      page: 1,
      createdAfter: timestampFromDate(new Date((times[0] as number) - 60_000)),
      createdBefore: timestampFromDate(new Date(Date.now() + 60_000)),
    });
    assert.equal(everything.executions.length, 10);
  });

  it("REST lists the same page", async () => {
    const reply = await rest(
      env.svc.url,
      env.ownerKey,
      "GET",
      `/api/v1/workflows/${workflowId}/executions?community_id=${communityA}&page=2&per_page=4`,
    );
    assert.equal(reply.status, 200, show(reply.body));
    assert.deepEqual(
      reply.body.data.map((e: { execution_id: string }) => e.execution_id),
      newestFirst().slice(4, 8),
    );
    assert.deepEqual(reply.body.meta.pagination, {
      page: 2,
      per_page: 4,
      total: 10,
      total_pages: 3,
      has_next: true,
      has_prev: true,
    });
  });

  it("the wrong community_id or an unknown workflow is NOT_FOUND", async () => {
    for (const kind of allClientKinds) {
      await expectRpcError(
        env.api(kind).list({ workflowId, communityId: BigInt(communityB), page: 1 }),
        Code.NotFound,
        "WORKFLOW_NOT_FOUND",
        kind,
      );
      await expectRpcError(
        env.api(kind).list({ workflowId: "0190aaaa-0000-7000-8000-000000000000", page: 1 }),
        Code.NotFound,
        "WORKFLOW_NOT_FOUND",
        kind,
      );
    }
  });
});
