import type { ReceiveWebhook } from "../../application/triggers/receive-webhook.js";
import type { Logger } from "../../ports/logger.js";
import { errorReply, ok, type RestReply } from "./envelope.js";
import { errorToReply } from "./error-mapping.js";
import { isHttp2, type RestRequest, type RestResponse } from "./http-types.js";
import { readBodyBytes } from "./read-json-body.js";
import { limitReply } from "./response-limit.js";
import { requestIdOf } from "./rest-handler.js";
import { sendReply } from "./send-reply.js";

const hookPath = /^\/hooks\/([^/]+)\/?$/;

/**
 * `POST /hooks/{hook_id}`: the inbound webhooks of published trigger_webhook nodes (no API
 * key: the unguessable id and the signature are the credentials). 202 with the execution id;
 * every refusal a 4xx with its reason. The raw body is handed to the use case only (signatures
 * are over its bytes) and never logged.
 */
export function createWebhookHandler(deps: {
  receive: ReceiveWebhook;
  logger: Logger;
  maxBodyBytes: number;
}) {
  return async (req: RestRequest, res: RestResponse): Promise<boolean> => {
    const path = (req.url ?? "/").split("?", 1)[0] ?? "/";
    const match = hookPath.exec(path);
    if (match === null) return false;
    let reply: RestReply;
    let bodyLeftUnread = false;
    try {
      if ((req.method ?? "GET").toUpperCase() !== "POST") {
        reply = errorReply(
          405,
          "METHOD_NOT_ALLOWED",
          "webhooks accept POST only",
          {},
          { allow: "POST" },
        );
      } else {
        const body = await readBodyBytes(req, deps.maxBodyBytes).catch((error: unknown) => {
          bodyLeftUnread = true;
          throw error;
        });
        const headers: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(req.headers)) {
          if (name.startsWith(":")) continue;
          headers[name] = Array.isArray(value) ? value.join(", ") : value;
        }
        const accepted = await deps.receive.execute({
          hookId: decodeURIComponent(match[1] as string),
          remoteAddress: req.socket?.remoteAddress ?? "",
          headers,
          body,
        });
        reply = ok(
          {
            execution_id: accepted.executionId,
            hook_id: accepted.hookId,
            workflow_id: accepted.workflowId,
            status: "pending",
          },
          { status: 202, message: "Workflow execution started" },
        );
      }
    } catch (error) {
      reply = errorToReply(error, deps.logger, {
        method: req.method ?? "POST",
        path: "/hooks/{hook_id}",
        requestId: requestIdOf(req),
      });
    }
    sendReply(res, limitReply(reply, Number.MAX_SAFE_INTEGER), bodyLeftUnread && !isHttp2(req));
    return true;
  };
}
