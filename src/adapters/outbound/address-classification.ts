import ipaddr from "ipaddr.js";

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

/**
 * Why an outbound webhook may not connect to `address`, or null for a public unicast address.
 * Deny by default: IPv4 must be in no special range at all; IPv6 must be global unicast
 * (2000::/3) in no special range, except the forms that carry an IPv4 address the packet really
 * goes to (IPv4-mapped, NAT64 64:ff9b::/96, 6to4), which are judged by that embedded address.
 */
export function blockedAddressRange(address: string): string | null {
  const normalized = normalizeAddress(address);
  if (!ipaddr.isValid(normalized)) return "invalid";
  const parsed = ipaddr.parse(normalized);
  return parsed.kind() === "ipv4" ? blockedIpv4(parsed as IPv4) : blockedIpv6(parsed as IPv6);
}

/**
 * Rewrites a dotted IPv4 tail of an IPv6 address as hex groups. ipaddr.js 2.2.0 parses every
 * dotted tail as IPv4-mapped ("::127.0.0.1" becomes ::ffff:7f00:1), while resolvers print
 * IPv4-compatible addresses exactly that way.
 */
export function normalizeAddress(address: string): string {
  const match = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  const head = match?.[1];
  const tail = match?.[2];
  if (head === undefined || tail === undefined || !ipaddr.IPv4.isValidFourPartDecimal(tail)) {
    return address;
  }
  const [a = 0, b = 0, c = 0, d = 0] = tail.split(".").map(Number);
  return `${head}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

const ipv4Labels: Record<string, string> = {
  unspecified: "unspecified",
  broadcast: "broadcast",
  multicast: "multicast",
  linkLocal: "link-local",
  loopback: "loopback",
  carrierGradeNat: "carrier-grade NAT",
  private: "private",
  reserved: "reserved",
  as112: "AS112",
  amt: "AMT",
};

const ipv6Labels: Record<string, string> = {
  unspecified: "unspecified",
  linkLocal: "link-local",
  multicast: "multicast",
  loopback: "loopback",
  uniqueLocal: "unique-local",
  discard: "discard-only",
  rfc6145: "IPv4-translated",
  teredo: "Teredo",
  benchmarking: "benchmarking",
  amt: "AMT",
  as112v6: "AS112",
  deprecated: "deprecated ORCHID",
  orchid2: "ORCHIDv2",
  droneRemoteIdProtocolEntityTags: "DRIP",
  reserved: "reserved",
  // fec0::/10 (RFC 3879); ipaddr.js names it since 2.3.
  deprecatedSiteLocal: "non-global",
};

const globalUnicast = ipaddr.IPv6.parseCIDR("2000::/3");
const ipv4Compatible = ipaddr.IPv6.parseCIDR("::/96");
/** RFC 6052's well-known NAT64 prefix, which carries the IPv4 address in its last 32 bits. */
const wellKnownNat64 = ipaddr.IPv6.parseCIDR("64:ff9b::/96");

function blockedIpv4(address: IPv4): string | null {
  const range = address.range();
  return range === "unicast" ? null : (ipv4Labels[range] ?? range);
}

function blockedIpv6(address: IPv6): string | null {
  const range = address.range();
  const parts = address.parts;
  switch (range) {
    case "ipv4Mapped":
      return embedded(parts[6], parts[7], "IPv4-mapped");
    case "rfc6052":
      // The local-use prefix 64:ff9b:1::/48 (RFC 8215) is not judged by an embedded address.
      return address.match(wellKnownNat64) ? embedded(parts[6], parts[7], "NAT64") : "non-global";
    case "6to4":
      return embedded(parts[1], parts[2], "6to4");
    case "unicast":
      if (address.match(ipv4Compatible)) return "IPv4-compatible";
      // Everything else outside 2000::/3.
      return address.match(globalUnicast) ? null : "non-global";
    default:
      return ipv6Labels[range] ?? range;
  }
}

function embedded(high: number | undefined, low: number | undefined, form: string): string | null {
  const h = high ?? 0;
  const l = low ?? 0;
  const inner = new ipaddr.IPv4([h >> 8, h & 0xff, l >> 8, l & 0xff]);
  const blocked = blockedIpv4(inner);
  return blocked === null ? null : `${blocked} (${form} ${inner.toString()})`;
}
