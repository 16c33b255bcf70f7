PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE `mikro_orm_migrations` (`id` integer not null primary key autoincrement, `name` varchar(255), `executed_at` datetime default CURRENT_TIMESTAMP);
INSERT INTO mikro_orm_migrations VALUES(1,'20261125-01-workflows-and-executions','2026-12-04 04:00:40');
INSERT INTO mikro_orm_migrations VALUES(2,'20261125-02-api-keys-and-audit','2026-12-04 04:00:40');
INSERT INTO mikro_orm_migrations VALUES(3,'20261125-03-workflow-list-indexes','2026-12-04 04:00:40');
CREATE TABLE IF NOT EXISTS "workflows" (
        "workflow_id" text not null,
        "community_id" bigint not null,
        "entity_id" bigint not null,
        "name" text not null,
        "description" text not null,
        "tags" json not null,
        "status" text check ("status" in ('draft', 'published', 'archived')) not null,
        "version" integer not null,
        "definition" json not null,
        "owner_user_id" text not null,
        "created_at" datetime not null,
        "updated_at" datetime not null,
        "published_version" integer null,
        "published_at" datetime null,
        primary key ("workflow_id")
      );
INSERT INTO workflows VALUES('wf-published',7,70,'giveaway','a "quoted" name ünïcode','["chat","giveaway"]','published',2,'{"globalVariables":{"greeting":"hi","nested":{"list":[1,2.5,null,true]}},"nodes":[{"nodeId":"start","nodeType":"trigger_command","label":"Start","position":{"x":1,"y":2},"enabled":true,"description":"","config":{"command":"!hello"}}],"connections":[],"limits":{"timeoutSeconds":30}}','owner-1',1795176000123,1795176000173,2,1795176000173);
INSERT INTO workflows VALUES('wf-draft',8,80,'draft','Says hello','["chat","greeting"]','draft',1,'{"globalVariables":{"greeting":"hi","nested":{"list":[1,2.5,null,true]}},"nodes":[{"nodeId":"start","nodeType":"trigger_command","label":"Start","position":{"x":1,"y":2},"enabled":true,"description":"","config":{"command":"!hello"}}],"connections":[],"limits":{"timeoutSeconds":30}}','owner-2',1795176000133,1795176000133,NULL,NULL);
CREATE TABLE IF NOT EXISTS "workflow_versions" (
        "workflow_id" text not null,
        "version" integer not null,
        "name" text not null,
        "description" text not null,
        "tags" json not null,
        "definition" json not null,
        "created_by" text not null,
        "created_at" datetime not null,
        constraint "workflow_versions_workflow_id_foreign" foreign key("workflow_id") references "workflows"("workflow_id") on delete cascade on update cascade,
        primary key ("workflow_id", "version")
      );
INSERT INTO workflow_versions VALUES('wf-published',1,'giveaway','a "quoted" name ünïcode','["chat","giveaway"]','{"globalVariables":{"greeting":"hi","nested":{"list":[1,2.5,null,true]}},"nodes":[{"nodeId":"start","nodeType":"trigger_command","label":"Start","position":{"x":1,"y":2},"enabled":true,"description":"","config":{"command":"!hello"}}],"connections":[],"limits":{"timeoutSeconds":30}}','owner-1',1795176000173);
INSERT INTO workflow_versions VALUES('wf-published',2,'giveaway','a "quoted" name ünïcode','["chat","giveaway"]','{"globalVariables":{"greeting":"hi","nested":{"list":[1,2.5,null,true]}},"nodes":[{"nodeId":"start","nodeType":"trigger_command","label":"Start","position":{"x":1,"y":2},"enabled":true,"description":"","config":{"command":"!hello"}}],"connections":[],"limits":{"timeoutSeconds":30}}','owner-1',1795176000173);
INSERT INTO workflow_versions VALUES('wf-draft',1,'draft','Says hello','["chat","greeting"]','{"globalVariables":{"greeting":"hi","nested":{"list":[1,2.5,null,true]}},"nodes":[{"nodeId":"start","nodeType":"trigger_command","label":"Start","position":{"x":1,"y":2},"enabled":true,"description":"","config":{"command":"!hello"}}],"connections":[],"limits":{"timeoutSeconds":30}}','owner-2',1795176000133);
CREATE TABLE IF NOT EXISTS "workflow_permissions" (
        "workflow_id" text not null,
        "target_type" text check ("target_type" in ('user', 'role', 'community')) not null,
        "target_id" text not null,
        "can_view" integer not null,
        "can_edit" integer not null,
        "can_execute" integer not null,
        "can_delete" integer not null,
        "can_manage_permissions" integer not null,
        "granted_by" text not null,
        "granted_at" datetime not null,
        constraint "workflow_permissions_workflow_id_foreign" foreign key("workflow_id") references "workflows"("workflow_id") on delete cascade on update cascade,
        primary key ("workflow_id", "target_type", "target_id")
      );
INSERT INTO workflow_permissions VALUES('wf-published','user','viewer-1',1,0,0,0,0,'owner-1',1795176000183);
INSERT INTO workflow_permissions VALUES('wf-published','role','mod',1,0,1,0,0,'owner-1',1795176000184);
INSERT INTO workflow_permissions VALUES('wf-published','community','7',1,1,1,1,1,'owner-1',1795176000185);
CREATE TABLE IF NOT EXISTS "workflow_executions" (
        "execution_id" text not null,
        "workflow_id" text not null,
        "workflow_version" integer not null,
        "status" text check ("status" in ('pending', 'running', 'completed', 'failed', 'cancelled', 'paused')) not null,
        "community_id" bigint not null,
        "entity_id" bigint not null,
        "triggered_by" text not null,
        "trigger" json not null,
        "input_variables" json not null,
        "idempotency_key" text null,
        "created_at" datetime not null,
        "start_time" datetime null,
        "end_time" datetime null,
        "execution_time_seconds" double null,
        "duration_ms" double null,
        "nodes_executed" integer not null default 0,
        "total_nodes" integer not null default 0,
        "failed_nodes" json not null,
        "error_reason" text null,
        "error_message" text null,
        "error_node_id" text null,
        "final_output" json null,
        "final_variables" json not null,
        "cancel_requested_at" datetime null,
        "lease_owner" text null,
        "lease_expires_at" datetime null,
        "claim_count" integer not null default 0,
        "node_run_count" integer not null default 0,
        "checkpoint" json null,
        "updated_at" datetime not null,
        constraint "workflow_executions_workflow_id_foreign" foreign key("workflow_id") references "workflows"("workflow_id") on delete cascade on update cascade,
        primary key ("execution_id")
      );
INSERT INTO workflow_executions VALUES('ex-completed','wf-published',2,'completed',7,70,'viewer-1','{"triggerNodeId":"start","triggerSource":"api","sessionId":"session-1","platform":"discord","data":{"message":"!hello","count":3}}','{"n":1,"nested":{"list":[1,"two",null,true]}}','idem-1',1795176000223,1795176000623,1795176000723,0.099500000000000005107,99.499999999999999998,3,3,'[]',NULL,NULL,NULL,'{"text":"hello, bob"}','{"text":"hello, bob","n":1}',NULL,NULL,NULL,1,3,'{"format":"x","at":2}',1795176000723);
INSERT INTO workflow_executions VALUES('ex-failed','wf-published',2,'failed',7,70,'user-1','{"triggerNodeId":"start","triggerSource":"api","sessionId":"session-1","platform":"discord","data":{"message":"!hello","count":3}}','{"name":"Ada","tags":["a","b"]}',NULL,1795176000323,1795176000623,1795176000823,0.012000000000000000249,12.0,2,3,'["call"]','HTTP_ERROR','router answered 502','call',NULL,'{}',NULL,NULL,NULL,1,2,NULL,1795176000823);
INSERT INTO workflow_executions VALUES('ex-running','wf-published',2,'running',7,70,'user-1','{"triggerNodeId":"start","triggerSource":"api","sessionId":"session-1","platform":"discord","data":{"message":"!hello","count":3}}','{"name":"Ada","tags":["a","b"]}',NULL,1795176000423,1795176000623,NULL,NULL,NULL,0,3,'[]',NULL,NULL,NULL,NULL,'{}',1795176000923,'runner-old',1795176030623,1,1,'{"format":"waddlebot.engine.checkpoint/1","sequence":1}',1795176000923);
INSERT INTO workflow_executions VALUES('ex-pending','wf-published',2,'pending',7,70,'user-1','{"triggerNodeId":"start","triggerSource":"api","sessionId":"session-1","platform":"discord","data":{"message":"!hello","count":3}}','{"name":"Ada","tags":["a","b"]}',NULL,1795176000523,NULL,NULL,NULL,NULL,0,3,'[]',NULL,NULL,NULL,NULL,'{}',NULL,NULL,NULL,0,0,NULL,1795176000523);
CREATE TABLE IF NOT EXISTS "workflow_node_executions" (
        "execution_id" text not null,
        "sequence" integer not null,
        "node_id" text not null,
        "node_type" text not null,
        "status" text check ("status" in ('pending', 'ready', 'running', 'completed', 'failed', 'skipped', 'cancelled', 'paused')) not null,
        "attempt" integer not null,
        "started_at" datetime null,
        "completed_at" datetime null,
        "duration_ms" double not null,
        "input" json null,
        "output" json null,
        "output_truncated" integer not null,
        "output_port" text null,
        "logs" json not null,
        "error_reason" text null,
        "error_message" text null,
        "iterations" integer not null,
        "operations" integer not null,
        "iteration_path" json not null,
        "simulated_request" json null,
        constraint "workflow_node_executions_execution_id_foreign" foreign key("execution_id") references "workflow_executions"("execution_id") on delete cascade on update cascade,
        primary key ("execution_id", "sequence")
      );
INSERT INTO workflow_node_executions VALUES('ex-completed',1,'start','action_http','completed',1,1795176000624,1795176000625,7.0,'{"value":1}','{"ok":true,"text":"done","list":[1,null]}',0,'success','[{"time":"2026-03-04T05:06:07.902Z","message":"started 1"},{"time":"2026-03-04T05:06:07.907Z","message":"finished"}]',NULL,NULL,0,1,'[]',NULL);
INSERT INTO workflow_node_executions VALUES('ex-completed',2,'say','action_http','completed',1,1772600767911,1772600767918,7.0,'{"value":2}','{"text":"hello, bob"}',0,'success','[{"time":"2026-11-20T12:00:00.626Z","message":"set text"}]',NULL,NULL,0,1,'[]',NULL);
INSERT INTO workflow_node_executions VALUES('ex-completed',3,'end','action_http','completed',1,1772600767921,1772600767928,7.0,'{"value":3}','{"ok":true,"text":"done","list":[3,null]}',0,'success','[{"time":"2026-03-04T05:06:07.922Z","message":"started 3"},{"time":"2026-03-04T05:06:07.927Z","message":"finished"}]',NULL,NULL,0,1,'[]',NULL);
INSERT INTO workflow_node_executions VALUES('ex-failed',1,'start','action_http','completed',1,1772600767901,1772600767908,7.0,'{"value":1}','{"ok":true,"text":"done","list":[1,null]}',0,'success','[{"time":"2026-03-04T05:06:07.902Z","message":"started 1"},{"time":"2026-03-04T05:06:07.907Z","message":"finished"}]',NULL,NULL,0,1,'[]',NULL);
INSERT INTO workflow_node_executions VALUES('ex-failed',2,'call','action_http','failed',1,1772600767911,1772600767918,7.0,'{"value":2}','{"ok":true,"text":"done","list":[2,null]}',0,'success','[{"time":"2026-03-04T05:06:07.912Z","message":"started 2"},{"time":"2026-03-04T05:06:07.917Z","message":"finished"}]','HTTP_ERROR','502',0,1,'[]',NULL);
INSERT INTO workflow_node_executions VALUES('ex-running',1,'start','action_http','completed',1,1772600767901,1772600767908,7.0,'{"value":1}','{"ok":true,"text":"done","list":[1,null]}',0,'success','[{"time":"2026-03-04T05:06:07.902Z","message":"started 1"},{"time":"2026-03-04T05:06:07.907Z","message":"finished"}]',NULL,NULL,0,1,'[]',NULL);
CREATE TABLE IF NOT EXISTS "api_keys" (
        "key_id" text not null,
        "name" text not null,
        "secret_hash" text not null,
        "user_id" text not null,
        "roles" json not null,
        "community_ids" json not null,
        "admin" integer not null,
        "created_by" text not null,
        "created_at" datetime not null,
        "revoked_at" datetime null,
        primary key ("key_id")
      );
INSERT INTO api_keys VALUES('key-active','router','aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa','router','["bot","mod"]','[7,8]',0,'admin',1795176000124,NULL);
INSERT INTO api_keys VALUES('key-revoked','old','bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb','admin','[]','[]',1,'admin',1795176000125,1795176000126);
CREATE TABLE IF NOT EXISTS "audit_events" (
        "id" text not null,
        "at" datetime not null,
        "event_type" text not null,
        "action" text not null,
        "result" text not null,
        "user_id" text not null,
        "community_id" bigint null,
        "workflow_id" text null,
        "execution_id" text null,
        "details" json not null,
        primary key ("id")
      );
INSERT INTO audit_events VALUES('01a23f36-1dbd-777a-8281-2af3c7f6424d',1795176000223,'AUDIT','execute_workflow','SUCCESS','viewer-1',7,'wf-published','ex-completed','{}');
INSERT INTO audit_events VALUES('01a23f36-1dbe-70d8-8833-edba6d54a21d',1795176000323,'AUDIT','execute_workflow','SUCCESS','user-1',7,'wf-published','ex-failed','{}');
INSERT INTO audit_events VALUES('01a23f36-1dbe-70d8-8833-f2f957dcdde6',1795176000423,'AUDIT','execute_workflow','SUCCESS','user-1',7,'wf-published','ex-running','{}');
INSERT INTO audit_events VALUES('01a23f36-1dbe-70d8-8833-f4c33046e061',1795176000523,'AUDIT','execute_workflow','SUCCESS','user-1',7,'wf-published','ex-pending','{}');
INSERT INTO audit_events VALUES('01a23f36-1dc3-716d-8ad8-401ff3e00bd0',1795176001023,'AUTHZ','get_workflow','DENIED','stranger',7,'wf-published',NULL,'{"reason":"no can_view"}');
DELETE FROM sqlite_sequence;
INSERT INTO sqlite_sequence VALUES('mikro_orm_migrations',3);
CREATE INDEX workflows_community_updated_idx on workflows (community_id, updated_at desc, workflow_id);
CREATE INDEX workflows_community_status_updated_idx on workflows (community_id, status, updated_at desc, workflow_id);
CREATE INDEX workflow_executions_pending_idx on workflow_executions (created_at, execution_id) where status = 'pending';
CREATE INDEX workflow_executions_lease_idx on workflow_executions (lease_expires_at) where status = 'running';
CREATE UNIQUE INDEX workflow_executions_idempotency_key_unique on workflow_executions (triggered_by, idempotency_key) where idempotency_key is not null;
CREATE UNIQUE INDEX "api_keys_secret_hash_unique" on "api_keys" ("secret_hash");
CREATE INDEX "audit_events_at_idx" on "audit_events" ("at");
CREATE INDEX "audit_events_workflow_at_idx" on "audit_events" ("workflow_id", "at");
CREATE INDEX workflows_updated_idx on workflows (updated_at desc, workflow_id, owner_user_id, community_id);
CREATE INDEX workflow_permissions_target_idx on workflow_permissions (target_type, target_id, workflow_id);
CREATE INDEX workflow_executions_list_idx on workflow_executions (workflow_id, created_at desc, execution_id desc, status);
COMMIT;
