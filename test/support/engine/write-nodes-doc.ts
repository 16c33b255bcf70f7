/** Rewrites the generated part of docs/nodes.md: node --import tsx test/support/engine/write-nodes-doc.ts */
import { readFileSync, writeFileSync } from "node:fs";
import { GENERATED_START, renderNodeDocs } from "./render-node-docs.js";

const path = new URL("../../../docs/nodes.md", import.meta.url);
const current = readFileSync(path, "utf8");
const head = current.includes(GENERATED_START)
  ? current.slice(0, current.indexOf(GENERATED_START))
  : current;
writeFileSync(path, head + renderNodeDocs());
