/**
 * What the fuzz suite found, one test each, through the real service: requests Connect
 * answered with a server code although the client was at fault, and 400s that named no field.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { findTrailerError } from "@connectrpc/connect/protocol-grpc";
import { ErrorInfoSchema } from "../../../src/gen/waddlebot/workflow/v1/errors_pb.js";
import { startTestService, type TestService } from "../../support/server-harness.js";
import { node, toRestBody } from "../../support/workflow-fixtures.js";
import { grpcFrame, rawGrpcCall } from "../server/raw-clients.js";
import { nestedText } from "./json-text.js";

const listKeys = "/waddlebot.workflow.v1.ApiKeyService/ListApiKeys";

describe("fuzz findings", () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService();
  });
  after(() => svc.close());

  function violationsOf(trailers: Record<string, string>) {
    const error = findTrailerError(new Headers(trailers));
    assert.ok(error, `an error in ${JSON.stringify(trailers)}`);
    const [info] = error.findDetails(ErrorInfoSchema);
    return {
      code: error.code,
      reason: info?.reason,
      fields: info?.fieldViolations.map((v) => v.field),
    };
  }

  it("gRPC: a unary call without its message is INVALID_ARGUMENT naming the body (was UNIMPLEMENTED)", async () => {
    const answer = await rawGrpcCall(svc.url, listKeys, new Uint8Array(), {
      "x-api-key": svc.adminKey,
    });
    assert.deepEqual(violationsOf(answer.trailers), {
      code: Code.InvalidArgument,
      reason: "BAD_REQUEST",
      fields: ["body"],
    });
  });

  it("gRPC: two messages for a unary call is INVALID_ARGUMENT naming the body", async () => {
    const frame = grpcFrame(0, new Uint8Array());
    const answer = await rawGrpcCall(svc.url, listKeys, Uint8Array.from([...frame, ...frame]), {
      "x-api-key": svc.adminKey,
    });
    assert.deepEqual(violationsOf(answer.trailers).fields, ["body"]);
    assert.equal(violationsOf(answer.trailers).code, Code.InvalidArgument);
  });

  it("gRPC-Web: a call without its message is INVALID_ARGUMENT, not a 5xx code", async () => {
    const res = await fetch(`${svc.url}${listKeys}`, {
      method: "POST",
      headers: { "content-type": "application/grpc-web+proto", "x-api-key": svc.adminKey },
      body: new Uint8Array(),
    });
    const body = Buffer.from(await res.arrayBuffer()).toString("latin1");
    assert.match(body, new RegExp(`grpc-status:\\s*${Code.InvalidArgument}\\b`));
  });

  it("Connect streaming: a stream request without its message is invalid_argument", async () => {
    const res = await fetch(`${svc.url}/grpc.health.v1.Health/Watch`, {
      method: "POST",
      headers: { "content-type": "application/connect+json" },
      body: new Uint8Array(),
    });
    const text = Buffer.from(await res.arrayBuffer())
      .subarray(5)
      .toString("utf8");
    const { error } = JSON.parse(text) as {
      error: { code: string; details: { debug: { fieldViolations: { field: string }[] } }[] };
    };
    assert.equal(error.code, "invalid_argument");
    assert.deepEqual(
      error.details[0]?.debug.fieldViolations.map((v) => v.field),
      ["body"],
    );
  });

  it("Connect JSON: a field of the wrong type is named in the violation", async () => {
    const res = await fetch(`${svc.url}${listKeys}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": svc.adminKey },
      body: '{"include_revoked":"yes"}',
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as {
      details: { debug: { fieldViolations: { field: string }[] } }[];
    };
    assert.deepEqual(
      body.details[0]?.debug.fieldViolations.map((v) => v.field),
      ["include_revoked"],
    );
  });

  it("Connect JSON: an error over 1 KiB to a client accepting gzip keeps its ErrorInfo (was sent compressed without one)", async () => {
    const res = await fetch(`${svc.url}/waddlebot.workflow.v1.WorkflowService/CreateWorkflow`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "accept-encoding": "gzip, br",
        "x-api-key": svc.adminKey,
      },
      body: `{"metadata":{"community_id":"${"x".repeat(70_000)}"}}`,
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as {
      message: string;
      details: { debug: { reason: string; fieldViolations: { field: string }[] } }[];
    };
    assert.equal(body.details[0]?.debug.reason, "BAD_REQUEST");
    assert.deepEqual(
      body.details[0]?.debug.fieldViolations.map((v) => v.field),
      ["community_id"],
    );
    assert.ok(body.message.length <= 501, "the refused value is not echoed whole");
  });

  it("REST: publishing a workflow with too many nodes names `nodes` (was an empty field)", async () => {
    const nodes = [
      node("t", "trigger_command", { command_pattern: "!go", platforms: ["twitch"] }),
      ...Array.from({ length: 120 }, (_, i) => node(`n${i}`, "flow_end")),
    ];
    const headers = { "content-type": "application/json", "x-api-key": svc.adminKey };
    const created = await fetch(`${svc.url}/api/v1/workflows`, {
      method: "POST",
      headers,
      body: JSON.stringify(toRestBody({ name: "wide", communityId: 1, nodes, edges: [] })),
    });
    assert.equal(created.status, 201);
    const { data } = (await created.json()) as { data: { workflow_id: string } };
    const published = await fetch(`${svc.url}/api/v1/workflows/${data.workflow_id}/publish`, {
      method: "POST",
      headers,
    });
    assert.equal(published.status, 400);
    const body = (await published.json()) as {
      details: { field_violations: { field: string; description: string }[] };
    };
    const tooMany = body.details.field_violations.find((v) =>
      v.description.startsWith("TOO_MANY_NODES"),
    );
    assert.equal(tooMany?.field, "nodes");
    assert.ok(body.details.field_violations.every((v) => v.field !== ""));
  });

  it("REST: a body nested too deep under an empty key names `body` (was an empty field)", async () => {
    const res = await fetch(`${svc.url}/api/v1/workflows`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": svc.adminKey },
      body: `{"":${nestedText(100, "array")}}`,
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { details: { field_violations: { field: string }[] } };
    assert.deepEqual(
      body.details.field_violations.map((v) => v.field),
      ["body"],
    );
  });
});
