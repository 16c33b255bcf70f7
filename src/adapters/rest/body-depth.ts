import { tooDeep } from "../../application/input-limits/input-check.js";
import { inputLimits } from "../../application/input-limits/input-limits.js";
import { DomainError } from "../../domain/errors.js";

/**
 * The containers a REST body puts around its deepest JSON field (body, nodes, node: 3 around a
 * node's config), plus one: a field just past the limit still gets here to the use case, which
 * names it exactly (`nodes[0].config`); deeper bodies are refused before they are parsed.
 */
const envelopeLevels = 4;

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * Refuses a body nested deeper than the JSON limit allows before JSON.parse builds it (parsing
 * millions of levels costs seconds). One pass over the text, no recursion; the violation names
 * the top-level member the nesting is in, with the use cases' description.
 */
export function checkBodyDepth(text: string): void {
  const maxLevel = inputLimits.jsonDepth + envelopeLevels;
  let level = 0;
  let inString = false;
  let keyStart = -1;
  let expectKey = false;
  let member: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) {
        inString = false;
        if (keyStart >= 0) {
          member = memberName(text.slice(keyStart, i + 1));
          keyStart = -1;
        }
      }
    } else if (c === QUOTE) {
      inString = true;
      if (level === 1 && expectKey) keyStart = i;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      level++;
      if (level > maxLevel) {
        throw DomainError.badRequest("request body is nested too deeply", [
          tooDeep(member ?? "body"),
        ]);
      }
      if (level === 1) expectKey = c === OPEN_OBJECT;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      level--;
    } else if (level === 1 && (c === COMMA || c === COLON)) {
      expectKey = c === COMMA;
    }
  }
}

function memberName(quoted: string): string | undefined {
  try {
    const name = String(JSON.parse(quoted));
    // An empty key names nothing: the violation then names the body.
    return name !== "" && name.length <= inputLimits.text.id ? name : undefined;
  } catch {
    return undefined;
  }
}
