import { Migration20261125WorkflowsAndExecutions } from "./20261125-01-workflows-and-executions.js";
import { Migration20261125ApiKeysAndAudit } from "./20261125-02-api-keys-and-audit.js";
import { Migration20261125WorkflowListIndexes } from "./20261125-03-workflow-list-indexes.js";
import { Migration20261204DurableTimers } from "./20261204-20-durable-timers.js";

/** Applied in this order. A new migration is appended here: static imports, no globbing. */
export const sqliteMigrations = [
  { name: "20261125-01-workflows-and-executions", class: Migration20261125WorkflowsAndExecutions },
  { name: "20261125-02-api-keys-and-audit", class: Migration20261125ApiKeysAndAudit },
  { name: "20261125-03-workflow-list-indexes", class: Migration20261125WorkflowListIndexes },
  { name: "20261204-20-durable-timers", class: Migration20261204DurableTimers },
];
