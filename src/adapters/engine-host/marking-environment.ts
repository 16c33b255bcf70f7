import type { EngineEnvironment } from "../../domain/engine/engine-types.js";
import type { ActionGateway } from "../../domain/ports/action-gateway.js";
import type { Clock } from "../../domain/ports/clock.js";

/**
 * The engine's ports for one run, each telling `enter` when a wait of that run ends, just
 * before the run's code continues. A run's code starts only there (and where the worker
 * handles its messages), so the worker always knows which run is executing.
 */
export function markingEnvironment(env: EngineEnvironment, enter: () => void): EngineEnvironment {
  const marked = <T>(promise: Promise<T>): Promise<T> =>
    promise.then(
      (value) => {
        enter();
        return value;
      },
      (error: unknown) => {
        enter();
        throw error;
      },
    );
  const { gateway, clock } = env;
  const markedGateway: ActionGateway = {
    executeModule: (request, signal) => marked(gateway.executeModule(request, signal)),
    sendChatMessage: (request, signal) => marked(gateway.sendChatMessage(request, signal)),
    updateBrowserSource: (request, signal) => marked(gateway.updateBrowserSource(request, signal)),
    callWebhook: (request, signal) => marked(gateway.callWebhook(request, signal)),
  };
  const markedClock: Clock = {
    now: () => clock.now(),
    sleep: (ms, signal) => marked(clock.sleep(ms, signal)),
  };
  return { gateway: markedGateway, clock: markedClock };
}
