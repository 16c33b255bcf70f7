import type { LookupAddress } from "node:dns";
import { lookup } from "node:dns/promises";
import type { LookupFunction } from "node:net";
import type { SsrfPolicy } from "./ssrf-policy.js";

/** Resolves a host name to all its addresses (the system resolver unless a test injects one). */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolveHost: ResolveHost = (hostname) =>
  lookup(hostname, { all: true, verbatim: true });

/**
 * A `lookup` for `net.connect` that resolves, lets the policy judge every address, and hands
 * only those addresses to the socket. Check and connect share one resolution, so a DNS answer
 * that changes between the two (rebinding) cannot slip through.
 */
export function guardedLookup(policy: SsrfPolicy, resolveHost: ResolveHost): LookupFunction {
  return (hostname, options, callback) => {
    const refuse = (error: unknown) => callback(error as NodeJS.ErrnoException, "");
    const deliver = (resolved: LookupAddress[]) => {
      try {
        policy.checkResolved(
          hostname,
          resolved.map((entry) => entry.address),
        );
      } catch (refusal) {
        refuse(refusal);
        return;
      }
      const family = familyNumber(options.family);
      const usable = family === 0 ? resolved : resolved.filter((a) => a.family === family);
      const first = usable[0];
      if (first === undefined) {
        refuse(
          Object.assign(new Error(`no usable address for ${hostname}`), { code: "ENOTFOUND" }),
        );
      } else if (options.all === true) {
        callback(null, usable);
      } else {
        callback(null, first.address, first.family);
      }
    };
    resolveHost(hostname).then(deliver, refuse);
  };
}

function familyNumber(family: number | "IPv4" | "IPv6" | undefined): number {
  if (family === "IPv4") return 4;
  if (family === "IPv6") return 6;
  return family ?? 0;
}
