import { createContextKey, type HandlerContext } from "@connectrpc/connect";
import { DomainError } from "../../domain/errors.js";
import type { Principal } from "../../domain/permissions/principal.js";

/** Set by the authenticate interceptor for every RPC outside the public services. */
export const kPrincipal = createContextKey<Principal | undefined>(undefined, {
  description: "authenticated principal",
});

/** The caller of an authenticated RPC; handlers call this instead of reading the key. */
export function principalOf(ctx: HandlerContext): Principal {
  const principal = ctx.values.get(kPrincipal);
  if (principal === undefined) {
    throw new DomainError("unauthenticated", "UNAUTHORIZED", "missing API key (X-API-Key)");
  }
  return principal;
}
