import type {
  ActionGateway,
  ActionResponse,
  BrowserSourceRequest,
  ChatMessageRequest,
  ModuleRequest,
  WebhookRequest,
} from "../../domain/ports/action-gateway.js";

export type RecordedRequest =
  | { kind: "module"; request: ModuleRequest }
  | { kind: "chat"; request: ChatMessageRequest }
  | { kind: "browser"; request: BrowserSourceRequest }
  | { kind: "webhook"; request: WebhookRequest };

/** Decides the answer to one request: a response, a thrown error, or a promise of either. */
export type Responder = (
  recorded: RecordedRequest,
  signal: AbortSignal,
) => ActionResponse | Promise<ActionResponse>;

const ok: ActionResponse = { status: 200, headers: {}, body: {} };

/**
 * An in-process ActionGateway that records every request and answers with configured
 * responses. It honours the abort signal (a pending answer rejects when the signal aborts), so
 * it behaves like the real HTTP adapter under cancellation. Used by tests and local tools.
 */
export class RecordingActionGateway implements ActionGateway {
  readonly requests: RecordedRequest[] = [];
  /** Requests whose signal was aborted before they were answered. */
  readonly aborted: RecordedRequest[] = [];

  constructor(private responder: Responder = () => ok) {}

  respondWith(responder: Responder): void {
    this.responder = responder;
  }

  executeModule(request: ModuleRequest, signal: AbortSignal): Promise<ActionResponse> {
    return this.answer({ kind: "module", request }, signal);
  }

  sendChatMessage(request: ChatMessageRequest, signal: AbortSignal): Promise<ActionResponse> {
    return this.answer({ kind: "chat", request }, signal);
  }

  updateBrowserSource(request: BrowserSourceRequest, signal: AbortSignal): Promise<ActionResponse> {
    return this.answer({ kind: "browser", request }, signal);
  }

  callWebhook(request: WebhookRequest, signal: AbortSignal): Promise<ActionResponse> {
    return this.answer({ kind: "webhook", request }, signal);
  }

  private answer(recorded: RecordedRequest, signal: AbortSignal): Promise<ActionResponse> {
    this.requests.push(recorded);
    return new Promise<ActionResponse>((resolve, reject) => {
      if (signal.aborted) {
        this.aborted.push(recorded);
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        this.aborted.push(recorded);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      Promise.resolve()
        .then(() => this.responder(recorded, signal))
        .then(
          (response) => {
            signal.removeEventListener("abort", onAbort);
            resolve(response);
          },
          (error) => {
            signal.removeEventListener("abort", onAbort);
            reject(error);
          },
        );
    });
  }
}
