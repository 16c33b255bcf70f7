import { DomainError } from "../errors.js";
import type { ActionGateway } from "../ports/action-gateway.js";

function refuse(): Promise<never> {
  return Promise.reject(
    new DomainError("internal", "INTERNAL_ERROR", "a dry-run attempted an outbound call; refused"),
  );
}

/** The gateway a dry-run gets: it can send nothing. */
export const refusingActionGateway: ActionGateway = {
  executeModule: refuse,
  sendChatMessage: refuse,
  updateBrowserSource: refuse,
  callWebhook: refuse,
};
