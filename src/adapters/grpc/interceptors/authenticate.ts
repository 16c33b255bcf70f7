import type { Interceptor } from "@connectrpc/connect";
import type { Principal } from "../../../domain/permissions/principal.js";
import { kPrincipal } from "../context-keys.js";

export interface Authenticator {
  execute(secret: string | null, action: string): Promise<Principal>;
}

/**
 * Requires an API key (`X-API-Key` header, `x-api-key` gRPC metadata) on every RPC except
 * those of `publicServices`, and stores the principal under kPrincipal for the handler.
 */
export function authenticateInterceptor(
  authenticator: Authenticator,
  publicServices: ReadonlySet<string>,
): Interceptor {
  return (next) => async (req) => {
    if (publicServices.has(req.service.typeName)) return next(req);
    const principal = await authenticator.execute(req.header.get("x-api-key"), req.method.name);
    req.contextValues.set(kPrincipal, principal);
    return next(req);
  };
}
