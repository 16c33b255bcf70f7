import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { type Client, Code } from "@connectrpc/connect";
import { ApiKeyService } from "../../../src/gen/waddlebot/workflow/v1/api_key_service_pb.js";
import { ErrorInfoSchema } from "../../../src/gen/waddlebot/workflow/v1/errors_pb.js";
import {
  Permission,
  PermissionService,
  TargetType,
} from "../../../src/gen/waddlebot/workflow/v1/permission_service_pb.js";
import { WorkflowStatus } from "../../../src/gen/waddlebot/workflow/v1/workflow_pb.js";
import {
  type CreateWorkflowRequestSchema,
  WorkflowService,
} from "../../../src/gen/waddlebot/workflow/v1/workflow_service_pb.js";
import { startTestService, type TestService } from "../../support/server-harness.js";
import { expectConnectError } from "../server/expect-error.js";

const community = 7n;

type CreateInit = MessageInitShape<typeof CreateWorkflowRequestSchema>;

function greeting(name: string): CreateInit {
  return {
    metadata: {
      name,
      description: "says hello",
      communityId: community,
      entityId: 3n,
      tags: ["demo"],
    },
    globalVariables: { greeting: "hello" },
    nodes: [
      {
        nodeId: "start",
        nodeType: "trigger_event",
        label: "start",
        config: { event_type: "follow", platforms: ["twitch"] },
      },
      { nodeId: "end", nodeType: "flow_end", label: "end" },
    ],
    connections: [
      { connectionId: "c1", fromNodeId: "start", fromPortName: "output", toNodeId: "end" },
    ],
  };
}

describe("WorkflowService over Connect (HTTP/2)", () => {
  let svc: TestService;
  let workflows: Client<typeof WorkflowService>;
  let permissions: Client<typeof PermissionService>;
  let outsider: Client<typeof WorkflowService>;
  let member: Client<typeof WorkflowService>;

  before(async () => {
    svc = await startTestService();
    const keys = svc.connect(ApiKeyService, "connect-h2", svc.adminKey);
    const ownerKey = await keys.createApiKey({
      name: "owner",
      principal: { userId: "owner", communityIds: [community] },
    });
    const outsiderKey = await keys.createApiKey({
      name: "outsider",
      principal: { userId: "outsider", communityIds: [99n] },
    });
    const memberKey = await keys.createApiKey({
      name: "member",
      principal: { userId: "member", communityIds: [community], roles: ["mod"] },
    });
    workflows = svc.connect(WorkflowService, "connect-h2", ownerKey.secret);
    permissions = svc.connect(PermissionService, "connect-h2", ownerKey.secret);
    outsider = svc.connect(WorkflowService, "connect-h1", outsiderKey.secret);
    member = svc.connect(WorkflowService, "grpc-web", memberKey.secret);
  });
  after(() => svc.close());

  it("create, get, update with a mask, keep every version, list, archive", async () => {
    const { workflow: created } = await workflows.createWorkflow(greeting("Greeter"));
    assert.ok(created);
    assert.equal(created.metadata?.status, WorkflowStatus.DRAFT);
    assert.equal(created.metadata?.version, 1);
    assert.equal(created.ownerUserId, "owner");
    const id = created.workflowId;

    const { workflow: fetched } = await workflows.getWorkflow({ workflowId: id });
    assert.deepEqual(
      fetched?.nodes.map((n) => [n.nodeId, n.enabled]),
      [
        ["start", true],
        ["end", true],
      ],
    );
    assert.deepEqual(fetched?.globalVariables, { greeting: "hello" });

    const { workflow: renamed } = await workflows.updateWorkflow({
      workflowId: id,
      expectedVersion: 1,
      metadata: { name: "Greeter v2" },
      updateMask: { paths: ["metadata.name"] },
    });
    assert.equal(renamed?.metadata?.name, "Greeter v2");
    assert.equal(renamed?.metadata?.version, 2);
    assert.equal(renamed?.nodes.length, 2, "fields outside the mask are kept");

    const { workflow: v1 } = await workflows.getWorkflow({ workflowId: id, version: 1 });
    assert.equal(v1?.metadata?.name, "Greeter");
    assert.equal(v1?.metadata?.version, 1);

    await expectConnectError(
      workflows.updateWorkflow({ workflowId: id, expectedVersion: 1, metadata: { name: "stale" } }),
      Code.Aborted,
      "CONFLICT",
    );

    const listed = await workflows.listWorkflows({ communityId: community, search: "greeter v2" });
    assert.deepEqual(
      listed.workflows.map((w) => w.workflowId),
      [id],
    );
    assert.equal(listed.pagination?.total, 1n);

    const { workflow: archived } = await workflows.deleteWorkflow({ workflowId: id });
    assert.equal(archived?.metadata?.status, WorkflowStatus.ARCHIVED);
    await expectConnectError(
      workflows.updateWorkflow({ workflowId: id, metadata: { name: "again" } }),
      Code.FailedPrecondition,
      "FAILED_PRECONDITION",
    );
    const drafts = await workflows.listWorkflows({
      communityId: community,
      status: WorkflowStatus.DRAFT,
    });
    assert.ok(!drafts.workflows.some((w) => w.workflowId === id), "archived is not a draft");
  });

  it("validate reports every problem; publish refuses an invalid workflow and accepts a fixed one", async () => {
    const broken = greeting("Broken");
    broken.nodes = [
      ...(broken.nodes ?? []),
      { nodeId: "odd", nodeType: "no_such_type", label: "odd" },
    ];
    broken.connections = [
      ...(broken.connections ?? []),
      { connectionId: "c2", fromNodeId: "start", fromPortName: "nowhere", toNodeId: "ghost" },
    ];
    const { workflow } = await workflows.createWorkflow(broken);
    const id = workflow?.workflowId ?? "";

    const { report } = await workflows.validateWorkflow({ workflowId: id });
    assert.equal(report?.isValid, false);
    const codes = report?.errors.map((e) => e.code) ?? [];
    assert.ok(codes.includes("UNKNOWN_NODE_TYPE"), codes.join());
    assert.equal(report?.errorCount, report?.errors.length);
    assert.ok((report?.errorCount ?? 0) >= 2, "all problems at once");

    const error = await expectConnectError(
      workflows.publishWorkflow({ workflowId: id }),
      Code.InvalidArgument,
      "BAD_REQUEST",
    );
    const [info] = error.findDetails(ErrorInfoSchema);
    assert.ok(info?.fieldViolations.some((v) => v.nodeId === "odd"));

    const fixed = greeting("Broken");
    await workflows.updateWorkflow({
      workflowId: id,
      nodes: fixed.nodes ?? [],
      connections: fixed.connections ?? [],
      updateMask: { paths: ["nodes", "connections"] },
    });
    const published = await workflows.publishWorkflow({ workflowId: id });
    assert.equal(published.workflow?.metadata?.status, WorkflowStatus.PUBLISHED);
    assert.equal(published.workflow?.publishedVersion, 2);
  });

  it("refuses malformed definitions with field violations, and creation outside one's community", async () => {
    const twice = greeting("");
    twice.nodes = [...(twice.nodes ?? []), { nodeId: "end", nodeType: "flow_end", label: "dup" }];
    const error = await expectConnectError(
      workflows.createWorkflow(twice),
      Code.InvalidArgument,
      "BAD_REQUEST",
    );
    const fields = error.findDetails(ErrorInfoSchema)[0]?.fieldViolations.map((v) => v.field);
    assert.ok(fields?.includes("metadata.name"), String(fields));
    assert.ok(fields?.includes("nodes[2].node_id"), String(fields));

    await expectConnectError(
      outsider.createWorkflow(greeting("Not mine")),
      Code.PermissionDenied,
      "PERMISSION_DENIED",
    );
  });

  it("others see nothing until granted; each flag grants only itself", async () => {
    const { workflow } = await workflows.createWorkflow(greeting("Private"));
    const id = workflow?.workflowId ?? "";
    await expectConnectError(
      member.getWorkflow({ workflowId: id }),
      Code.NotFound,
      "WORKFLOW_NOT_FOUND",
    );
    await expectConnectError(
      outsider.getWorkflow({ workflowId: id }),
      Code.NotFound,
      "WORKFLOW_NOT_FOUND",
    );
    const hidden = await member.listWorkflows({ communityId: community });
    assert.ok(!hidden.workflows.some((w) => w.workflowId === id));

    await permissions.grantPermission({
      workflowId: id,
      targetType: TargetType.ROLE,
      targetId: "mod",
      permissions: [Permission.CAN_VIEW],
    });
    assert.equal((await member.getWorkflow({ workflowId: id })).workflow?.workflowId, id);
    await expectConnectError(
      member.updateWorkflow({
        workflowId: id,
        metadata: { name: "x" },
        updateMask: { paths: ["metadata.name"] },
      }),
      Code.PermissionDenied,
      "PERMISSION_DENIED",
    );
    await expectConnectError(
      member.deleteWorkflow({ workflowId: id }),
      Code.PermissionDenied,
      "PERMISSION_DENIED",
    );

    await permissions.grantPermission({
      workflowId: id,
      targetType: TargetType.COMMUNITY,
      targetId: String(community),
      permissions: [Permission.CAN_EDIT],
    });
    await member.updateWorkflow({
      workflowId: id,
      metadata: { name: "edited" },
      updateMask: { paths: ["metadata.name"] },
    });
    await expectConnectError(
      outsider.getWorkflow({ workflowId: id }),
      Code.NotFound,
      "WORKFLOW_NOT_FOUND",
    );

    const { grants } = await permissions.listPermissions({ workflowId: id });
    assert.equal(grants.length, 2);
    const { grant } = await permissions.revokePermission({
      workflowId: id,
      targetType: TargetType.ROLE,
      targetId: "mod",
      permissions: [],
    });
    assert.equal(grant, undefined, "revoking every flag removes the grant");
    // The community grant (can_edit) remains, but it does not let the member view.
    await expectConnectError(
      member.getWorkflow({ workflowId: id }),
      Code.NotFound,
      "WORKFLOW_NOT_FOUND",
    );
  });
});
