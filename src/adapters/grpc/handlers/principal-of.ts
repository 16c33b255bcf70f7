import type { HandlerContext } from "@connectrpc/connect";
import type { Principal } from "../../../domain/permissions/principal.js";

/** Reads the principal the authentication interceptor put on the call. */
export type PrincipalOf = (context: HandlerContext) => Principal;
