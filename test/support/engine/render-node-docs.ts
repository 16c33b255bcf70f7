import { NODE_CATALOGUE } from "../../../src/domain/workflow/node-catalogue.js";
import type { NodeCategory } from "../../../src/domain/workflow/node-type-spec.js";

export const GENERATED_START = "<!-- generated from the node catalogue: do not edit below -->";
export const GENERATED_END = "<!-- end of generated section -->";

const categories: [NodeCategory, string][] = [
  ["trigger", "Triggers"],
  ["condition", "Conditions"],
  ["action", "Actions"],
  ["data", "Data"],
  ["loop", "Loops"],
  ["flow", "Flow"],
];

/** The per-type reference of docs/nodes.md, written from src/domain/workflow/node-catalogue.ts. */
export function renderNodeDocs(): string {
  const out: string[] = [GENERATED_START, ""];
  for (const [category, title] of categories) {
    out.push(`## ${title}`, "");
    for (const spec of NODE_CATALOGUE.values()) {
      if (spec.category !== category) continue;
      out.push(`### \`${spec.type}\``, "", spec.summary, "");
      out.push(
        `- Ports: in: ${spec.inputPorts.length === 0 ? "none" : spec.inputPorts.map((p) => `\`${p}\``).join(", ")}; ${spec.portsDoc}`,
      );
      if (spec.dryRunDoc !== undefined) out.push(`- Dry-run: ${spec.dryRunDoc}`);
      out.push("");
      if (spec.fields.length > 0) {
        out.push("| field | type | default | meaning |", "|---|---|---|---|");
        for (const f of spec.fields) {
          const cell = (text: string) => text.replaceAll("|", "\\|");
          out.push(
            `| \`${f.name}\` | ${cell(f.type)} | ${cell(f.default)} | ${cell(f.description)} |`,
          );
        }
        out.push("");
      }
    }
  }
  out.push(GENERATED_END, "");
  return out.join("\n");
}
