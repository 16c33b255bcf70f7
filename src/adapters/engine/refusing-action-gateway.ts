import { DomainError } from "../../domain/errors.js";
import type { ActionGateway } from "../../domain/ports/action-gateway.js";

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
