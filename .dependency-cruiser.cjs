/** Layer rules: a file's folder says what it may import (see README "Architecture"). */
module.exports = {
  forbidden: [
    {
      name: "domain-is-pure",
      comment:
        "src/domain imports nothing outside itself: no node:*, no npm packages, no other layer.",
      severity: "error",
      from: { path: "^src/domain/" },
      to: { pathNot: "^src/domain/" },
    },
    {
      name: "ports-only-domain",
      severity: "error",
      from: { path: "^src/ports/" },
      to: { pathNot: "^src/(domain|ports)/" },
    },
    {
      name: "application-no-adapters",
      comment: "Use cases see the domain, the ports and @opentelemetry/api only.",
      severity: "error",
      from: { path: "^src/application/" },
      to: {
        // Not anchored: a symlinked node_modules resolves to a path that does not start with it.
        pathNot: ["^src/(domain|ports|application)/", "node_modules/@opentelemetry/api/"],
      },
    },
    {
      name: "adapters-no-composition",
      severity: "error",
      from: { path: "^src/adapters/" },
      to: { path: "^src/(composition|main\\.ts|cli\\.ts)" },
    },
    {
      name: "adapters-not-each-other",
      comment: "An adapter family stays in its own folder.",
      severity: "error",
      from: { path: "^src/adapters/([^/]+)/" },
      to: { path: "^src/adapters/([^/]+)/", pathNot: "^src/adapters/$1/" },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
    },
  },
};
