import { isIP } from "node:net";
import { blockedAddressRange } from "./address-classification.js";
import type { OutboundAllowList } from "./allow-list.js";
import { OutboundErrors } from "./outbound-errors.js";

/**
 * Decides whether a webhook may reach a URL. `checkUrl` runs before every hop and settles
 * IP-literal hosts (Node connects to those without a lookup); `checkResolved` runs inside the
 * connection's DNS lookup, so the addresses checked are the addresses connected to.
 */
export class SsrfPolicy {
  constructor(
    private readonly allowList: OutboundAllowList,
    private readonly enabled: boolean,
  ) {}

  /** Throws a DomainError when the URL may not be requested. */
  checkUrl(url: URL): void {
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw OutboundErrors.schemeNotAllowed(url.protocol.replace(/:$/, ""));
    }
    const host = unbracket(url.hostname);
    if (isIP(host) !== 0) this.checkResolved(host, [host]);
  }

  /** Every address must pass: a host that resolves to any blocked address is refused. */
  checkResolved(hostname: string, addresses: readonly string[]): void {
    if (!this.enabled || this.allowList.allowsHost(hostname)) return;
    for (const address of addresses) {
      if (this.allowList.allowsAddress(address)) continue;
      const range = blockedAddressRange(address);
      if (range !== null) throw OutboundErrors.hostNotAllowed(hostname, address, range);
    }
  }
}

function unbracket(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}
