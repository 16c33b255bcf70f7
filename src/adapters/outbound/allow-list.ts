import ipaddr from "ipaddr.js";
import { normalizeAddress } from "./address-classification.js";

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * Destinations the operator opens despite the SSRF policy. Host entries match the URL's host
 * name (whatever it resolves to); address and CIDR entries match IP-literal URLs and resolved
 * addresses.
 */
export class OutboundAllowList {
  private constructor(
    private readonly exactHosts: ReadonlySet<string>,
    private readonly hostSuffixes: readonly string[],
    private readonly cidrs: readonly Cidr[],
  ) {}

  /**
   * Entries, as an array or one comma/whitespace separated string (e.g. `OUTBOUND_ALLOW_HOSTS`):
   * `hooks.internal` (that host), `*.internal` (its subdomains), `10.1.2.3` or `::1`
   * (that address), `10.0.0.0/8` or `fd00::/8` (that network). Throws on anything else.
   */
  static parse(entries: string | readonly string[] | undefined): OutboundAllowList {
    const list = typeof entries === "string" ? entries.split(/[\s,]+/) : (entries ?? []);
    const exact = new Set<string>();
    const suffixes: string[] = [];
    const cidrs: Cidr[] = [];
    for (const raw of list) {
      const entry = normalizeCidr(raw.trim().toLowerCase());
      if (entry === "") continue;
      const unbracketed = normalizeAddress(
        entry.startsWith("[") && entry.endsWith("]") ? entry.slice(1, -1) : entry,
      );
      if (entry.includes("/")) {
        if (!ipaddr.isValidCIDR(entry)) throw invalidEntry(raw);
        cidrs.push(ipaddr.parseCIDR(entry));
      } else if (ipaddr.isValid(unbracketed)) {
        if (!isPlainAddress(unbracketed)) throw invalidEntry(raw);
        const address = ipaddr.parse(unbracketed);
        cidrs.push([address, address.kind() === "ipv4" ? 32 : 128]);
      } else if (entry.startsWith("*.") && hostPattern.test(entry.slice(2))) {
        suffixes.push(stripDot(entry.slice(1)));
      } else if (hostPattern.test(entry)) {
        exact.add(stripDot(entry));
      } else {
        throw invalidEntry(raw);
      }
    }
    return new OutboundAllowList(exact, suffixes, cidrs);
  }

  get isEmpty(): boolean {
    return this.exactHosts.size === 0 && this.hostSuffixes.length === 0 && this.cidrs.length === 0;
  }

  /** `hostname` as `URL.hostname` gives it (lower case, punycode). */
  allowsHost(hostname: string): boolean {
    const host = stripDot(hostname.toLowerCase());
    return this.exactHosts.has(host) || this.hostSuffixes.some((suffix) => host.endsWith(suffix));
  }

  allowsAddress(address: string): boolean {
    const normalized = normalizeAddress(address);
    if (!ipaddr.isValid(normalized)) return false;
    const candidates = [ipaddr.parse(normalized), ipaddr.process(normalized)];
    return this.cidrs.some(([network, bits]) =>
      candidates.some((c) => c.kind() === network.kind() && c.match(network, bits)),
    );
  }
}

const hostPattern = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/;

function normalizeCidr(entry: string): string {
  const slash = entry.indexOf("/");
  return slash < 0 ? entry : `${normalizeAddress(entry.slice(0, slash))}${entry.slice(slash)}`;
}

function stripDot(host: string): string {
  return host.endsWith(".") ? host.slice(0, -1) : host;
}

// ipaddr.js also accepts the legacy IPv4 forms ("127.1", "0x7f.1"); they are refused so that an
// entry means what it looks like.
function isPlainAddress(entry: string): boolean {
  return entry.includes(":") || ipaddr.IPv4.isValidFourPartDecimal(entry);
}

function invalidEntry(entry: string): Error {
  return new TypeError(
    `invalid outbound allow-list entry "${entry}": expected a host name, *.domain, an IP address or a CIDR`,
  );
}
