/**
 * What the fuzzer calls, derived rather than listed: every service in the generated code
 * (src/gen, so a new RPC is fuzzed without touching this suite) and every REST route of the
 * route table the REST adapter serves.
 */
import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { DescMethod, DescService } from "@bufbuild/protobuf";
import { restRoutes } from "../../../src/adapters/rest/rest-handler.js";
import type { WorkflowUseCases } from "../../../src/application/workflow-use-cases.js";

const genRoot = new URL("../../../src/gen/", import.meta.url);

export interface RpcTarget {
  path: string;
  method: DescMethod;
}

export interface RestTarget {
  method: string;
  /** The route pattern, e.g. `/api/v1/workflows/:workflow_id/execute`. */
  pattern: string;
}

/** Every RPC of every service generated from proto/ (and the health service). */
export async function rpcTargets(): Promise<RpcTarget[]> {
  const targets: RpcTarget[] = [];
  for (const file of await generatedFiles(genRoot)) {
    const module = (await import(new URL(file, genRoot).href)) as Record<string, unknown>;
    for (const value of Object.values(module)) {
      if (!isService(value)) continue;
      for (const method of value.methods) {
        targets.push({ path: `/${value.typeName}/${method.name}`, method });
      }
    }
  }
  return targets.sort((a, b) => a.path.localeCompare(b.path));
}

/** Every route of the REST adapter's table (the handlers are never called here). */
export function restTargets(): RestTarget[] {
  const unused = new Proxy({} as WorkflowUseCases, {
    get: () => {
      throw new Error("the fuzzer only reads the route table");
    },
  });
  return restRoutes({ useCases: unused }).map((r) => ({ method: r.method, pattern: r.path }));
}

/** The generated modules, relative to `root`, as .js specifiers. */
async function generatedFiles(root: URL): Promise<string[]> {
  const base = fileURLToPath(root);
  const entries = await readdir(base, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith("_pb.ts"))
    .map((e) => relative(base, join(e.parentPath, e.name)).replace(/\.ts$/, ".js"));
}

function isService(value: unknown): value is DescService {
  return (
    typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "service"
  );
}
