import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { blockedAddressRange } from "../../../src/adapters/outbound/address-classification.js";
import { OutboundAllowList } from "../../../src/adapters/outbound/allow-list.js";

describe("blockedAddressRange", () => {
  const blocked: [string, RegExp][] = [
    ["127.0.0.1", /^loopback$/],
    ["127.255.255.254", /^loopback$/],
    ["0.0.0.0", /^unspecified$/],
    ["0.1.2.3", /^unspecified$/],
    ["10.0.0.1", /^private$/],
    ["172.16.0.1", /^private$/],
    ["172.31.255.255", /^private$/],
    ["192.168.1.1", /^private$/],
    ["169.254.169.254", /^link-local$/],
    ["100.64.0.1", /^carrier-grade NAT$/],
    ["100.127.255.255", /^carrier-grade NAT$/],
    ["224.0.0.1", /^multicast$/],
    ["239.255.255.250", /^multicast$/],
    ["255.255.255.255", /^broadcast$/],
    ["240.0.0.1", /^reserved$/],
    ["192.0.2.1", /^reserved$/],
    ["::1", /^loopback$/],
    ["::", /^unspecified$/],
    ["fe80::1", /^link-local$/],
    ["febf:ffff::1", /^link-local$/],
    ["fc00::1", /^unique-local$/],
    ["fd12:3456::1", /^unique-local$/],
    ["ff02::1", /^multicast$/],
    ["fec0::1", /^non-global$/],
    ["::ffff:127.0.0.1", /^loopback \(IPv4-mapped 127\.0\.0\.1\)$/],
    ["::ffff:7f00:1", /^loopback \(IPv4-mapped 127\.0\.0\.1\)$/],
    ["::ffff:a9fe:a9fe", /^link-local \(IPv4-mapped 169\.254\.169\.254\)$/],
    ["::ffff:10.1.2.3", /^private \(IPv4-mapped/],
    ["::127.0.0.1", /^IPv4-compatible$/],
    ["::7f00:1", /^IPv4-compatible$/],
    ["::8.8.8.8", /^IPv4-compatible$/],
    ["64:ff9b::7f00:1", /^loopback \(NAT64 127\.0\.0\.1\)$/],
    ["64:ff9b::169.254.169.254", /^link-local \(NAT64 169\.254\.169\.254\)$/],
    ["64:ff9b::a00:1", /^private \(NAT64 10\.0\.0\.1\)$/],
    ["64:ff9b:1::a00:1", /^non-global$/],
    ["2002:7f00:1::", /^loopback \(6to4 127\.0\.0\.1\)$/],
    ["2002:a9fe:a9fe::1", /^link-local \(6to4 169\.254\.169\.254\)$/],
    ["2002:c0a8:101::1", /^private \(6to4 192\.168\.1\.1\)$/],
    ["::ffff:0:7f00:1", /^IPv4-translated$/],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", /^Teredo$/],
    ["2001:db8::1", /^reserved$/],
    ["100::1", /^discard-only$/],
    ["not-an-address", /^invalid$/],
  ];
  for (const [address, range] of blocked) {
    it(`refuses ${address}`, () => {
      assert.match(blockedAddressRange(address) ?? "allowed", range);
    });
  }

  const allowed = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.215.14",
    "172.32.0.1",
    "100.128.0.1",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
  ];
  for (const address of allowed) {
    it(`allows the public address ${address}`, () => {
      assert.equal(blockedAddressRange(address), null);
    });
  }
});

describe("the WHATWG URL parser normalises numeric IPv4 host tricks before any check", () => {
  const forms: [string, string][] = [
    ["http://2130706433/", "127.0.0.1"],
    ["http://0x7f.1/", "127.0.0.1"],
    ["http://0x7f000001/", "127.0.0.1"],
    ["http://0177.0.0.1/", "127.0.0.1"],
    ["http://127.1/", "127.0.0.1"],
    ["http://0/", "0.0.0.0"],
    ["http://0xa9.0376.43518/", "169.254.169.254"],
    ["http://[::ffff:127.0.0.1]/", "[::ffff:7f00:1]"],
  ];
  for (const [url, hostname] of forms) {
    it(`${url} has host ${hostname}`, () => {
      assert.equal(new URL(url).hostname, hostname);
    });
  }
});

describe("OutboundAllowList", () => {
  const list = OutboundAllowList.parse(
    "hooks.internal, *.corp.example 10.20.0.0/16,[::1] 192.168.1.7 fd00::/8",
  );

  it("matches exact hosts, case- and trailing-dot-insensitively", () => {
    assert.ok(list.allowsHost("hooks.internal"));
    assert.ok(list.allowsHost("HOOKS.internal."));
    assert.ok(!list.allowsHost("evil-hooks.internal"));
    assert.ok(!list.allowsHost("hooks.internal.evil.com"));
  });

  it("matches subdomains for *.domain but not the apex or look-alikes", () => {
    assert.ok(list.allowsHost("a.corp.example"));
    assert.ok(list.allowsHost("a.b.corp.example"));
    assert.ok(!list.allowsHost("corp.example"));
    assert.ok(!list.allowsHost("evilcorp.example"));
  });

  it("matches addresses by CIDR, single address, and IPv4-mapped forms", () => {
    assert.ok(list.allowsAddress("10.20.3.4"));
    assert.ok(!list.allowsAddress("10.21.0.1"));
    assert.ok(list.allowsAddress("::1"));
    assert.ok(list.allowsAddress("192.168.1.7"));
    assert.ok(!list.allowsAddress("192.168.1.8"));
    assert.ok(list.allowsAddress("::ffff:10.20.0.9"));
    assert.ok(list.allowsAddress("fd00::1234"));
    assert.ok(!list.allowsAddress("127.0.0.1"));
  });

  it("is empty when nothing is configured", () => {
    assert.ok(OutboundAllowList.parse(undefined).isEmpty);
    assert.ok(OutboundAllowList.parse(" , ").isEmpty);
    assert.ok(!list.isEmpty);
  });

  it("rejects entries that mean something else than they look", () => {
    for (const entry of [
      "http://hooks.internal",
      "hooks.internal:8080",
      "10.0.0.0/33",
      "127.1",
      "0x7f.1",
      "*.",
      "a b/c",
    ]) {
      assert.throws(() => OutboundAllowList.parse([entry]), /invalid outbound allow-list entry/);
    }
  });
});
