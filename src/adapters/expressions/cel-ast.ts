import type { parse } from "@bufbuild/cel";

type Expr = ReturnType<typeof parse>["expr"];

/** Identifiers that name CEL types rather than bound values. */
const typeIdentifiers: ReadonlySet<string> = new Set([
  "int",
  "uint",
  "double",
  "bool",
  "string",
  "bytes",
  "list",
  "map",
  "null_type",
  "type",
  "dyn",
]);

interface AstFacts {
  nodeCount: number;
  rootNames: string[];
  /** Message types constructed (`google.protobuf.ListValue{…}`); the service supports none. */
  messageTypes: string[];
}

/** The direct sub-expressions of an expression (comprehensions: range, init, condition, step, result). */
function childrenOf(expr: Expr): (Expr | undefined)[] {
  const kind = expr.exprKind;
  switch (kind.case) {
    case "selectExpr":
      return [kind.value.operand];
    case "callExpr":
      return [kind.value.target, ...kind.value.args];
    case "listExpr":
      return kind.value.elements;
    case "structExpr":
      return kind.value.entries.flatMap((entry) =>
        entry.keyKind.case === "mapKey" ? [entry.keyKind.value, entry.value] : [entry.value],
      );
    case "comprehensionExpr": {
      const c = kind.value;
      return [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result];
    }
    default:
      return [];
  }
}

function walk(expr: Expr | undefined, visit: (expr: Expr) => void): void {
  if (expr === undefined) return;
  visit(expr);
  for (const child of childrenOf(expr)) walk(child, visit);
}

/** Counts AST nodes and collects free identifiers (not comprehension variables). */
export function analyseAst(root: Expr): AstFacts {
  const names = new Set<string>();
  const messageTypes = new Set<string>();
  let nodeCount = 0;
  const visit = (expr: Expr | undefined, bound: ReadonlySet<string>): void => {
    if (expr === undefined) return;
    nodeCount++;
    const kind = expr.exprKind;
    if (kind.case === "structExpr" && kind.value.messageName !== "") {
      messageTypes.add(kind.value.messageName);
    }
    if (kind.case === "identExpr") {
      if (!bound.has(kind.value.name) && !typeIdentifiers.has(kind.value.name)) {
        names.add(kind.value.name);
      }
      return;
    }
    if (kind.case !== "comprehensionExpr") {
      for (const child of childrenOf(expr)) visit(child, bound);
      return;
    }
    const c = kind.value;
    visit(c.iterRange, bound);
    visit(c.accuInit, bound);
    const inner = new Set(bound);
    inner.add(c.iterVar);
    if (c.iterVar2 !== "") inner.add(c.iterVar2);
    inner.add(c.accuVar);
    visit(c.loopCondition, inner);
    visit(c.loopStep, inner);
    visit(c.result, inner);
  };
  visit(root, new Set());
  return { nodeCount, rootNames: [...names], messageTypes: [...messageTypes] };
}

/** The function every comprehension's loop condition is wrapped in; source cannot name it. */
export const comprehensionStepFunction = "@step";

/** The function every comprehension's range is wrapped in; source cannot name it. */
export const comprehensionRangeFunction = "@range";

/**
 * Wraps the loop condition of every comprehension (`all`, `exists`, `exists_one`, `map`,
 * `filter`), evaluated once per iteration, in a call to `comprehensionStepFunction`, so each
 * iteration can be charged to the cost meter: iterating over a literal list reads no metered
 * binding and would otherwise cost nothing, so nested comprehensions could run for seconds.
 * The condition is the right place: when the charge fails, the condition is an error, which
 * ends the comprehension at once (an error in the step would be carried along to the end).
 * An iteration is charged the size of its loop step in syntax nodes, a fair proxy for the work
 * it does beyond metered calls.
 *
 * Also wraps every comprehension's range in a call to `comprehensionRangeFunction`: the
 * library copies the whole range into an array before the first iteration, so a literal list
 * bound to a comprehension variable and iterated once per outer iteration (`exists` stopping
 * at its first element) would be copied in full each time for one step's charge.
 * Mutates the parsed expression.
 */
export function meterComprehensionSteps(root: Expr): void {
  let nextId = 1n;
  const comprehensions: Extract<Expr["exprKind"], { case: "comprehensionExpr" }>["value"][] = [];
  walk(root, (expr) => {
    if (expr.id >= nextId) nextId = expr.id + 1n;
    if (expr.exprKind.case === "comprehensionExpr") comprehensions.push(expr.exprKind.value);
  });
  for (const c of comprehensions) {
    if (c.iterRange !== undefined) {
      c.iterRange = {
        $typeName: "cel.expr.Expr",
        id: nextId++,
        exprKind: {
          case: "callExpr",
          value: {
            $typeName: "cel.expr.Expr.Call",
            function: comprehensionRangeFunction,
            args: [c.iterRange],
          },
        },
      } as Expr;
    }
    if (c.loopCondition === undefined) continue;
    let weight = 0n;
    walk(c.loopStep, () => {
      weight++;
    });
    c.loopCondition = {
      $typeName: "cel.expr.Expr",
      id: nextId++,
      exprKind: {
        case: "callExpr",
        value: {
          $typeName: "cel.expr.Expr.Call",
          function: comprehensionStepFunction,
          args: [
            c.loopCondition,
            {
              $typeName: "cel.expr.Expr",
              id: nextId++,
              exprKind: {
                case: "constExpr",
                value: {
                  $typeName: "cel.expr.Constant",
                  constantKind: { case: "int64Value", value: weight > 0n ? weight : 1n },
                },
              },
            } as Expr,
          ],
        },
      },
    } as Expr;
  }
}
