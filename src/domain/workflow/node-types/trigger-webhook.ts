import { defineNodeType } from "../node-type-spec.js";

export interface WebhookTriggerConfig {
  webhookPath: string;
  requireAuth: boolean;
  requireSignature: boolean;
  allowedIps: string[];
  forwardHeaders: string[];
  maxBodyBytes: number;
  rateLimitMax: number;
  rateLimitWindowSeconds: number;
}

/** The largest webhook body a trigger may accept (the service's request limit also applies). */
export const maxWebhookBodyBytes = 1024 * 1024;

const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const ipv6 = /^[0-9A-Fa-f:.]+$/;
const headerName = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;

function checkAddress(entry: string): boolean {
  const [address, prefix, extra] = entry.split("/");
  if (extra !== undefined || address === undefined) return false;
  const v4 = ipv4.test(address);
  const v6 = !v4 && address.includes(":") && ipv6.test(address);
  if (!v4 && !v6) return false;
  if (prefix === undefined) return true;
  if (!/^\d+$/.test(prefix)) return false;
  return Number(prefix) <= (v4 ? 32 : 128);
}

export const triggerWebhook = defineNodeType<WebhookTriggerConfig>({
  type: "trigger_webhook",
  category: "trigger",
  summary:
    "Entry point for an inbound webhook: publishing gives the node an unguessable URL `POST /hooks/{hook_id}` (ListWebhooks); a call starts a run with the JSON body in `trigger.body` and the chosen headers in `trigger.headers`, and is answered 202 with the execution id.",
  inputPorts: [],
  portsDoc: "out: `output` (fires with the trigger data)",
  fields: [
    {
      name: "webhook_path",
      type: "string",
      default: "(required)",
      description:
        "A name for the hook, starting with `/` (shown in ListWebhooks; the URL is /hooks/{hook_id}).",
    },
    {
      name: "require_auth",
      type: "bool",
      default: "true",
      description: "Calls must be signed with one of the hook's secrets (as require_signature).",
    },
    {
      name: "require_signature",
      type: "bool",
      default: "false",
      description:
        "Calls must be signed: Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`), GitHub (`X-Hub-Signature-256`) or `X-Webhook-Signature`. With both false the URL is the only credential.",
    },
    {
      name: "allowed_ips",
      type: "string[]",
      default: "[]",
      description: "IPs or CIDR ranges allowed; empty = any.",
    },
    {
      name: "forward_headers",
      type: "string[]",
      default: "[]",
      description: "Request headers copied into `trigger.headers` (lower-cased names).",
    },
    {
      name: "max_body_bytes",
      type: "int",
      default: "262144",
      description: `Largest body accepted, 1..${maxWebhookBodyBytes} (413 beyond).`,
    },
    {
      name: "rate_limit_max",
      type: "int",
      default: "60",
      description: "Calls per window the hook accepts (429 beyond); 0 = no limit.",
    },
    {
      name: "rate_limit_window_seconds",
      type: "int",
      default: "60",
      description: "The rate limit's window, 1..86400 s.",
    },
  ],
  parse(r) {
    const path = r.string("webhook_path", "", { required: true });
    if (path !== "" && !path.startsWith("/")) r.error("webhook_path", "must start with /");
    const allowedIps = r.stringList("allowed_ips");
    allowedIps.forEach((entry, i) => {
      if (!checkAddress(entry))
        r.error(`allowed_ips[${i}]`, `"${entry}" is not an IP address or CIDR range`);
    });
    const forwardHeaders = r.stringList("forward_headers").map((h) => h.toLowerCase());
    forwardHeaders.forEach((name, i) => {
      if (!headerName.test(name)) r.error(`forward_headers[${i}]`, "is not a header name");
    });
    return {
      webhookPath: path,
      requireAuth: r.boolean("require_auth", true),
      requireSignature: r.boolean("require_signature", false),
      allowedIps,
      forwardHeaders,
      maxBodyBytes: r.number("max_body_bytes", 262_144, {
        min: 1,
        max: maxWebhookBodyBytes,
        integer: true,
      }),
      rateLimitMax: r.number("rate_limit_max", 60, { min: 0, max: 1_000_000, integer: true }),
      rateLimitWindowSeconds: r.number("rate_limit_window_seconds", 60, {
        min: 1,
        max: 86_400,
        integer: true,
      }),
    };
  },
  outputPorts: () => ["output"],
});
