
SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

CREATE TABLE public.api_keys (
    key_id text NOT NULL,
    name text NOT NULL,
    secret_hash text NOT NULL,
    user_id text NOT NULL,
    roles jsonb NOT NULL,
    community_ids jsonb NOT NULL,
    admin boolean NOT NULL,
    created_by text NOT NULL,
    created_at timestamp(3) with time zone NOT NULL,
    revoked_at timestamp(3) with time zone
);

CREATE TABLE public.audit_events (
    id text NOT NULL,
    at timestamp(3) with time zone NOT NULL,
    event_type text NOT NULL,
    action text NOT NULL,
    result text NOT NULL,
    user_id text NOT NULL,
    community_id bigint,
    workflow_id text,
    execution_id text,
    details jsonb NOT NULL
);

CREATE TABLE public.mikro_orm_migrations (
    id integer NOT NULL,
    name character varying(255),
    executed_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP
);

CREATE SEQUENCE public.mikro_orm_migrations_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.mikro_orm_migrations_id_seq OWNED BY public.mikro_orm_migrations.id;

CREATE TABLE public.workflow_executions (
    execution_id text NOT NULL,
    workflow_id text NOT NULL,
    workflow_version integer NOT NULL,
    status text NOT NULL,
    community_id bigint NOT NULL,
    entity_id bigint NOT NULL,
    triggered_by text NOT NULL,
    trigger jsonb NOT NULL,
    input_variables jsonb NOT NULL,
    idempotency_key text,
    created_at timestamp(3) with time zone NOT NULL,
    start_time timestamp(3) with time zone,
    end_time timestamp(3) with time zone,
    execution_time_seconds double precision,
    duration_ms double precision,
    nodes_executed integer DEFAULT 0 NOT NULL,
    total_nodes integer DEFAULT 0 NOT NULL,
    failed_nodes jsonb NOT NULL,
    error_reason text,
    error_message text,
    error_node_id text,
    final_output jsonb,
    final_variables jsonb NOT NULL,
    cancel_requested_at timestamp(3) with time zone,
    lease_owner text,
    lease_expires_at timestamp(3) with time zone,
    claim_count integer DEFAULT 0 NOT NULL,
    node_run_count integer DEFAULT 0 NOT NULL,
    checkpoint jsonb,
    updated_at timestamp(3) with time zone NOT NULL,
    CONSTRAINT workflow_executions_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'running'::text, 'completed'::text, 'failed'::text, 'cancelled'::text, 'paused'::text])))
);

CREATE TABLE public.workflow_node_executions (
    execution_id text NOT NULL,
    sequence integer NOT NULL,
    node_id text NOT NULL,
    node_type text NOT NULL,
    status text NOT NULL,
    attempt integer NOT NULL,
    started_at timestamp(3) with time zone,
    completed_at timestamp(3) with time zone,
    duration_ms double precision NOT NULL,
    input jsonb,
    output jsonb,
    output_truncated boolean NOT NULL,
    output_port text,
    logs jsonb NOT NULL,
    error_reason text,
    error_message text,
    iterations integer NOT NULL,
    operations integer NOT NULL,
    iteration_path jsonb NOT NULL,
    simulated_request jsonb,
    CONSTRAINT workflow_node_executions_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'ready'::text, 'running'::text, 'completed'::text, 'failed'::text, 'skipped'::text, 'cancelled'::text, 'paused'::text])))
);

CREATE TABLE public.workflow_permissions (
    workflow_id text NOT NULL,
    target_type text NOT NULL,
    target_id text NOT NULL,
    can_view boolean NOT NULL,
    can_edit boolean NOT NULL,
    can_execute boolean NOT NULL,
    can_delete boolean NOT NULL,
    can_manage_permissions boolean NOT NULL,
    granted_by text NOT NULL,
    granted_at timestamp(3) with time zone NOT NULL,
    CONSTRAINT workflow_permissions_target_type_check CHECK ((target_type = ANY (ARRAY['user'::text, 'role'::text, 'community'::text])))
);

CREATE TABLE public.workflow_versions (
    workflow_id text NOT NULL,
    version integer NOT NULL,
    name text NOT NULL,
    description text NOT NULL,
    tags jsonb NOT NULL,
    definition jsonb NOT NULL,
    created_by text NOT NULL,
    created_at timestamp(3) with time zone NOT NULL
);

CREATE TABLE public.workflows (
    workflow_id text NOT NULL,
    community_id bigint NOT NULL,
    entity_id bigint NOT NULL,
    name text NOT NULL,
    description text NOT NULL,
    tags jsonb NOT NULL,
    status text NOT NULL,
    version integer NOT NULL,
    definition jsonb NOT NULL,
    owner_user_id text NOT NULL,
    created_at timestamp(3) with time zone NOT NULL,
    updated_at timestamp(3) with time zone NOT NULL,
    published_version integer,
    published_at timestamp(3) with time zone,
    CONSTRAINT workflows_status_check CHECK ((status = ANY (ARRAY['draft'::text, 'published'::text, 'archived'::text])))
);

ALTER TABLE ONLY public.mikro_orm_migrations ALTER COLUMN id SET DEFAULT nextval('public.mikro_orm_migrations_id_seq'::regclass);

INSERT INTO public.api_keys VALUES ('key-active', 'router', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'router', '["bot", "mod"]', '[7, 8]', false, 'admin', '2026-11-20 12:00:00.124+00', NULL);
INSERT INTO public.api_keys VALUES ('key-revoked', 'old', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'admin', '[]', '[]', true, 'admin', '2026-11-20 12:00:00.125+00', '2026-11-20 12:00:00.126+00');

INSERT INTO public.audit_events VALUES ('01a23f36-23bf-7723-ad80-5714a4be57be', '2026-11-20 12:00:00.223+00', 'AUDIT', 'execute_workflow', 'SUCCESS', 'viewer-1', 7, 'wf-published', 'ex-completed', '{}');
INSERT INTO public.audit_events VALUES ('01a23f36-23c2-7219-96fc-c527254527ae', '2026-11-20 12:00:00.323+00', 'AUDIT', 'execute_workflow', 'SUCCESS', 'user-1', 7, 'wf-published', 'ex-failed', '{}');
INSERT INTO public.audit_events VALUES ('01a23f36-23c4-73a7-81e2-784ef1d29311', '2026-11-20 12:00:00.423+00', 'AUDIT', 'execute_workflow', 'SUCCESS', 'user-1', 7, 'wf-published', 'ex-running', '{}');
INSERT INTO public.audit_events VALUES ('01a23f36-23c5-751a-ae7e-37907e54ae0a', '2026-11-20 12:00:00.523+00', 'AUDIT', 'execute_workflow', 'SUCCESS', 'user-1', 7, 'wf-published', 'ex-pending', '{}');
INSERT INTO public.audit_events VALUES ('01a23f36-23db-700b-89f6-1442e21c6636', '2026-11-20 12:00:01.023+00', 'AUTHZ', 'get_workflow', 'DENIED', 'stranger', 7, 'wf-published', NULL, '{"reason": "no can_view"}');

INSERT INTO public.mikro_orm_migrations VALUES (1, '20261125-01-workflows-and-executions', '2026-12-04 04:00:42.239087+00');
INSERT INTO public.mikro_orm_migrations VALUES (2, '20261125-02-api-keys-and-audit', '2026-12-04 04:00:42.239087+00');
INSERT INTO public.mikro_orm_migrations VALUES (3, '20261125-03-workflow-list-indexes', '2026-12-04 04:00:42.239087+00');

INSERT INTO public.workflow_executions VALUES ('ex-pending', 'wf-published', 2, 'pending', 7, 70, 'user-1', '{"data": {"count": 3, "message": "!hello"}, "platform": "discord", "sessionId": "session-1", "triggerNodeId": "start", "triggerSource": "api"}', '{"name": "Ada", "tags": ["a", "b"]}', NULL, '2026-11-20 12:00:00.523+00', NULL, NULL, NULL, NULL, 0, 3, '[]', NULL, NULL, NULL, NULL, '{}', NULL, NULL, NULL, 0, 0, NULL, '2026-11-20 12:00:00.523+00');
INSERT INTO public.workflow_executions VALUES ('ex-completed', 'wf-published', 2, 'completed', 7, 70, 'viewer-1', '{"data": {"count": 3, "message": "!hello"}, "platform": "discord", "sessionId": "session-1", "triggerNodeId": "start", "triggerSource": "api"}', '{"n": 1, "nested": {"list": [1, "two", null, true]}}', 'idem-1', '2026-11-20 12:00:00.223+00', '2026-11-20 12:00:00.623+00', '2026-11-20 12:00:00.723+00', 0.0995, 99.5, 3, 3, '[]', NULL, NULL, NULL, '{"text": "hello, bob"}', '{"n": 1, "text": "hello, bob"}', NULL, NULL, NULL, 1, 3, '{"at": 2, "format": "x"}', '2026-11-20 12:00:00.723+00');
INSERT INTO public.workflow_executions VALUES ('ex-failed', 'wf-published', 2, 'failed', 7, 70, 'user-1', '{"data": {"count": 3, "message": "!hello"}, "platform": "discord", "sessionId": "session-1", "triggerNodeId": "start", "triggerSource": "api"}', '{"name": "Ada", "tags": ["a", "b"]}', NULL, '2026-11-20 12:00:00.323+00', '2026-11-20 12:00:00.623+00', '2026-11-20 12:00:00.823+00', 0.012, 12, 2, 3, '["call"]', 'HTTP_ERROR', 'router answered 502', 'call', NULL, '{}', NULL, NULL, NULL, 1, 2, NULL, '2026-11-20 12:00:00.823+00');
INSERT INTO public.workflow_executions VALUES ('ex-running', 'wf-published', 2, 'running', 7, 70, 'user-1', '{"data": {"count": 3, "message": "!hello"}, "platform": "discord", "sessionId": "session-1", "triggerNodeId": "start", "triggerSource": "api"}', '{"name": "Ada", "tags": ["a", "b"]}', NULL, '2026-11-20 12:00:00.423+00', '2026-11-20 12:00:00.623+00', NULL, NULL, NULL, 0, 3, '[]', NULL, NULL, NULL, NULL, '{}', '2026-11-20 12:00:00.923+00', 'runner-old', '2026-11-20 12:00:30.623+00', 1, 1, '{"format": "waddlebot.engine.checkpoint/1", "sequence": 1}', '2026-11-20 12:00:00.923+00');

INSERT INTO public.workflow_node_executions VALUES ('ex-completed', 1, 'start', 'action_http', 'completed', 1, '2026-11-20 12:00:00.624+00', '2026-11-20 12:00:00.625+00', 7, '{"value": 1}', '{"ok": true, "list": [1, null], "text": "done"}', false, 'success', '[{"time": "2026-03-04T05:06:07.902Z", "message": "started 1"}, {"time": "2026-03-04T05:06:07.907Z", "message": "finished"}]', NULL, NULL, 0, 1, '[]', NULL);
INSERT INTO public.workflow_node_executions VALUES ('ex-completed', 2, 'say', 'action_http', 'completed', 1, '2026-03-04 05:06:07.911+00', '2026-03-04 05:06:07.918+00', 7, '{"value": 2}', '{"text": "hello, bob"}', false, 'success', '[{"time": "2026-11-20T12:00:00.626Z", "message": "set text"}]', NULL, NULL, 0, 1, '[]', NULL);
INSERT INTO public.workflow_node_executions VALUES ('ex-completed', 3, 'end', 'action_http', 'completed', 1, '2026-03-04 05:06:07.921+00', '2026-03-04 05:06:07.928+00', 7, '{"value": 3}', '{"ok": true, "list": [3, null], "text": "done"}', false, 'success', '[{"time": "2026-03-04T05:06:07.922Z", "message": "started 3"}, {"time": "2026-03-04T05:06:07.927Z", "message": "finished"}]', NULL, NULL, 0, 1, '[]', NULL);
INSERT INTO public.workflow_node_executions VALUES ('ex-failed', 1, 'start', 'action_http', 'completed', 1, '2026-03-04 05:06:07.901+00', '2026-03-04 05:06:07.908+00', 7, '{"value": 1}', '{"ok": true, "list": [1, null], "text": "done"}', false, 'success', '[{"time": "2026-03-04T05:06:07.902Z", "message": "started 1"}, {"time": "2026-03-04T05:06:07.907Z", "message": "finished"}]', NULL, NULL, 0, 1, '[]', NULL);
INSERT INTO public.workflow_node_executions VALUES ('ex-failed', 2, 'call', 'action_http', 'failed', 1, '2026-03-04 05:06:07.911+00', '2026-03-04 05:06:07.918+00', 7, '{"value": 2}', '{"ok": true, "list": [2, null], "text": "done"}', false, 'success', '[{"time": "2026-03-04T05:06:07.912Z", "message": "started 2"}, {"time": "2026-03-04T05:06:07.917Z", "message": "finished"}]', 'HTTP_ERROR', '502', 0, 1, '[]', NULL);
INSERT INTO public.workflow_node_executions VALUES ('ex-running', 1, 'start', 'action_http', 'completed', 1, '2026-03-04 05:06:07.901+00', '2026-03-04 05:06:07.908+00', 7, '{"value": 1}', '{"ok": true, "list": [1, null], "text": "done"}', false, 'success', '[{"time": "2026-03-04T05:06:07.902Z", "message": "started 1"}, {"time": "2026-03-04T05:06:07.907Z", "message": "finished"}]', NULL, NULL, 0, 1, '[]', NULL);

INSERT INTO public.workflow_permissions VALUES ('wf-published', 'user', 'viewer-1', true, false, false, false, false, 'owner-1', '2026-11-20 12:00:00.183+00');
INSERT INTO public.workflow_permissions VALUES ('wf-published', 'role', 'mod', true, false, true, false, false, 'owner-1', '2026-11-20 12:00:00.184+00');
INSERT INTO public.workflow_permissions VALUES ('wf-published', 'community', '7', true, true, true, true, true, 'owner-1', '2026-11-20 12:00:00.185+00');

INSERT INTO public.workflow_versions VALUES ('wf-published', 1, 'giveaway', 'a "quoted" name ünïcode', '["chat", "giveaway"]', '{"nodes": [{"label": "Start", "config": {"command": "!hello"}, "nodeId": "start", "enabled": true, "nodeType": "trigger_command", "position": {"x": 1, "y": 2}, "description": ""}], "limits": {"timeoutSeconds": 30}, "connections": [], "globalVariables": {"nested": {"list": [1, 2.5, null, true]}, "greeting": "hi"}}', 'owner-1', '2026-11-20 12:00:00.173+00');
INSERT INTO public.workflow_versions VALUES ('wf-published', 2, 'giveaway', 'a "quoted" name ünïcode', '["chat", "giveaway"]', '{"nodes": [{"label": "Start", "config": {"command": "!hello"}, "nodeId": "start", "enabled": true, "nodeType": "trigger_command", "position": {"x": 1, "y": 2}, "description": ""}], "limits": {"timeoutSeconds": 30}, "connections": [], "globalVariables": {"nested": {"list": [1, 2.5, null, true]}, "greeting": "hi"}}', 'owner-1', '2026-11-20 12:00:00.173+00');
INSERT INTO public.workflow_versions VALUES ('wf-draft', 1, 'draft', 'Says hello', '["chat", "greeting"]', '{"nodes": [{"label": "Start", "config": {"command": "!hello"}, "nodeId": "start", "enabled": true, "nodeType": "trigger_command", "position": {"x": 1, "y": 2}, "description": ""}], "limits": {"timeoutSeconds": 30}, "connections": [], "globalVariables": {"nested": {"list": [1, 2.5, null, true]}, "greeting": "hi"}}', 'owner-2', '2026-11-20 12:00:00.133+00');

INSERT INTO public.workflows VALUES ('wf-published', 7, 70, 'giveaway', 'a "quoted" name ünïcode', '["chat", "giveaway"]', 'published', 2, '{"nodes": [{"label": "Start", "config": {"command": "!hello"}, "nodeId": "start", "enabled": true, "nodeType": "trigger_command", "position": {"x": 1, "y": 2}, "description": ""}], "limits": {"timeoutSeconds": 30}, "connections": [], "globalVariables": {"nested": {"list": [1, 2.5, null, true]}, "greeting": "hi"}}', 'owner-1', '2026-11-20 12:00:00.123+00', '2026-11-20 12:00:00.173+00', 2, '2026-11-20 12:00:00.173+00');
INSERT INTO public.workflows VALUES ('wf-draft', 8, 80, 'draft', 'Says hello', '["chat", "greeting"]', 'draft', 1, '{"nodes": [{"label": "Start", "config": {"command": "!hello"}, "nodeId": "start", "enabled": true, "nodeType": "trigger_command", "position": {"x": 1, "y": 2}, "description": ""}], "limits": {"timeoutSeconds": 30}, "connections": [], "globalVariables": {"nested": {"list": [1, 2.5, null, true]}, "greeting": "hi"}}', 'owner-2', '2026-11-20 12:00:00.133+00', '2026-11-20 12:00:00.133+00', NULL, NULL);

SELECT pg_catalog.setval('public.mikro_orm_migrations_id_seq', 3, true);

ALTER TABLE ONLY public.api_keys
    ADD CONSTRAINT api_keys_pkey PRIMARY KEY (key_id);

ALTER TABLE ONLY public.api_keys
    ADD CONSTRAINT api_keys_secret_hash_unique UNIQUE (secret_hash);

ALTER TABLE ONLY public.audit_events
    ADD CONSTRAINT audit_events_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.mikro_orm_migrations
    ADD CONSTRAINT mikro_orm_migrations_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.workflow_executions
    ADD CONSTRAINT workflow_executions_pkey PRIMARY KEY (execution_id);

ALTER TABLE ONLY public.workflow_node_executions
    ADD CONSTRAINT workflow_node_executions_pkey PRIMARY KEY (execution_id, sequence);

ALTER TABLE ONLY public.workflow_permissions
    ADD CONSTRAINT workflow_permissions_pkey PRIMARY KEY (workflow_id, target_type, target_id);

ALTER TABLE ONLY public.workflow_versions
    ADD CONSTRAINT workflow_versions_pkey PRIMARY KEY (workflow_id, version);

ALTER TABLE ONLY public.workflows
    ADD CONSTRAINT workflows_pkey PRIMARY KEY (workflow_id);

CREATE INDEX audit_events_at_idx ON public.audit_events USING btree (at);

CREATE INDEX audit_events_workflow_at_idx ON public.audit_events USING btree (workflow_id, at);

CREATE UNIQUE INDEX workflow_executions_idempotency_key_unique ON public.workflow_executions USING btree (triggered_by, idempotency_key) WHERE (idempotency_key IS NOT NULL);

CREATE INDEX workflow_executions_lease_idx ON public.workflow_executions USING btree (lease_expires_at) WHERE (status = 'running'::text);

CREATE INDEX workflow_executions_list_idx ON public.workflow_executions USING btree (workflow_id, created_at DESC, execution_id DESC, status);

CREATE INDEX workflow_executions_pending_idx ON public.workflow_executions USING btree (created_at, execution_id) WHERE (status = 'pending'::text);

CREATE INDEX workflow_permissions_target_idx ON public.workflow_permissions USING btree (target_type, target_id, workflow_id);

CREATE INDEX workflows_community_status_updated_idx ON public.workflows USING btree (community_id, status, updated_at DESC, workflow_id);

CREATE INDEX workflows_community_updated_idx ON public.workflows USING btree (community_id, updated_at DESC, workflow_id);

CREATE INDEX workflows_updated_idx ON public.workflows USING btree (updated_at DESC, workflow_id, owner_user_id, community_id);

ALTER TABLE ONLY public.workflow_executions
    ADD CONSTRAINT workflow_executions_workflow_id_foreign FOREIGN KEY (workflow_id) REFERENCES public.workflows(workflow_id) ON UPDATE CASCADE ON DELETE CASCADE;

ALTER TABLE ONLY public.workflow_node_executions
    ADD CONSTRAINT workflow_node_executions_execution_id_foreign FOREIGN KEY (execution_id) REFERENCES public.workflow_executions(execution_id) ON UPDATE CASCADE ON DELETE CASCADE;

ALTER TABLE ONLY public.workflow_permissions
    ADD CONSTRAINT workflow_permissions_workflow_id_foreign FOREIGN KEY (workflow_id) REFERENCES public.workflows(workflow_id) ON UPDATE CASCADE ON DELETE CASCADE;

ALTER TABLE ONLY public.workflow_versions
    ADD CONSTRAINT workflow_versions_workflow_id_foreign FOREIGN KEY (workflow_id) REFERENCES public.workflows(workflow_id) ON UPDATE CASCADE ON DELETE CASCADE;

