import { ContainerModule } from "inversify";
import { CelExpressionCompiler } from "../adapters/expressions/cel-expression-compiler.js";
import { HttpActionGateway } from "../adapters/outbound/http-action-gateway.js";
import { CompiledWorkflows } from "../application/executions/compiled-workflows.js";
import { Tokens } from "./tokens.js";

/**
 * The engine's adapters: the CEL compiler, the SSRF-guarded HTTP gateway and the compiled-version
 * cache. Loaded by the service (which validates with the compiler) and by every engine worker
 * (engine-worker.ts), which runs the engine with all of them. Needs Config and Clock bound.
 */
export const engineModule = new ContainerModule(({ bind }) => {
  bind(Tokens.ExpressionCompiler).toConstantValue(new CelExpressionCompiler());
  bind(Tokens.ActionGateway).toDynamicValue(({ get }) => {
    const { outbound } = get(Tokens.Config);
    return new HttpActionGateway({
      routerUrl: outbound.routerUrl,
      browserSourceUrl: outbound.browserSourceUrl,
      routerApiKey: outbound.routerApiKey ?? undefined,
      browserSourceApiKey: outbound.browserSourceApiKey ?? undefined,
      allowHosts: outbound.allowHosts,
    });
  });
  bind(Tokens.EngineEnvironment).toDynamicValue(({ get }) => ({
    gateway: get(Tokens.ActionGateway),
    clock: get(Tokens.Clock),
  }));
  bind(CompiledWorkflows).toDynamicValue(
    ({ get }) => new CompiledWorkflows(get(Tokens.ExpressionCompiler), 500),
  );
});
