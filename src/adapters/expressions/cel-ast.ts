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

export interface AstFacts {
  nodeCount: number;
  rootNames: string[];
}

/** Counts AST nodes and collects free identifiers (not comprehension variables). */
export function analyseAst(root: Expr): AstFacts {
  const names = new Set<string>();
  let nodeCount = 0;
  const visit = (expr: Expr | undefined, bound: ReadonlySet<string>): void => {
    if (expr === undefined) return;
    nodeCount++;
    const kind = expr.exprKind;
    switch (kind.case) {
      case "identExpr":
        if (!bound.has(kind.value.name) && !typeIdentifiers.has(kind.value.name)) {
          names.add(kind.value.name);
        }
        return;
      case "selectExpr":
        visit(kind.value.operand, bound);
        return;
      case "callExpr":
        visit(kind.value.target, bound);
        for (const arg of kind.value.args) visit(arg, bound);
        return;
      case "listExpr":
        for (const element of kind.value.elements) visit(element, bound);
        return;
      case "structExpr":
        for (const entry of kind.value.entries) {
          if (entry.keyKind.case === "mapKey") visit(entry.keyKind.value, bound);
          visit(entry.value, bound);
        }
        return;
      case "comprehensionExpr": {
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
        return;
      }
      default:
        return;
    }
  };
  visit(root, new Set());
  return { nodeCount, rootNames: [...names] };
}
