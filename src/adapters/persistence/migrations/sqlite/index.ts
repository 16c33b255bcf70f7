import { Migration20261125WorkflowsAndExecutions } from "./20261125-01-workflows-and-executions.js";
import { Migration20261125ApiKeysAndAudit } from "./20261125-02-api-keys-and-audit.js";
import { Migration20261125WorkflowListIndexes } from "./20261125-03-workflow-list-indexes.js";
import { Migration20261204DurableTimers } from "./20261204-20-durable-timers.js";
import { Migration20261204TriggerIndexAndLimits } from "./20261204-30-trigger-index-and-limits.js";
import { Migration20261204CommunityStops } from "./20261204-31-community-stops.js";
import { Migration20261204Webhooks } from "./20261204-32-webhooks.js";
import { Migration20261204Schedules } from "./20261204-33-schedules.js";

/** Applied in this order. A new migration is appended here: static imports, no globbing. */
export const sqliteMigrations = [
  { name: "20261125-01-workflows-and-executions", class: Migration20261125WorkflowsAndExecutions },
  { name: "20261125-02-api-keys-and-audit", class: Migration20261125ApiKeysAndAudit },
  { name: "20261125-03-workflow-list-indexes", class: Migration20261125WorkflowListIndexes },
  { name: "20261204-20-durable-timers", class: Migration20261204DurableTimers },
  { name: "20261204-30-trigger-index-and-limits", class: Migration20261204TriggerIndexAndLimits },
  { name: "20261204-31-community-stops", class: Migration20261204CommunityStops },
  { name: "20261204-32-webhooks", class: Migration20261204Webhooks },
  { name: "20261204-33-schedules", class: Migration20261204Schedules },
];
