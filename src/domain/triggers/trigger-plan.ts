import type { ExpressionCompiler } from "../ports/expression-compiler.js";
import { ConfigReader } from "../workflow/config-reader.js";
import { NODE_CATALOGUE } from "../workflow/node-catalogue.js";
import type { CommandTriggerConfig } from "../workflow/node-types/trigger-command.js";
import type { WebhookTriggerConfig } from "../workflow/node-types/trigger-webhook.js";
import type { EventTriggerConfig, ScheduleTriggerConfig } from "../workflow/node-types/triggers.js";
import { IssueCollector } from "../workflow/validation-report.js";
import type { Workflow } from "../workflow/workflow.js";
import type { WorkflowNode } from "../workflow/workflow-definition.js";
import { commandKeyword, parseCommandText, splitArguments } from "./command-text.js";
import type { SchedulePlan, TriggerPlan, TriggerRule, WebhookPlan } from "./trigger-rule.js";

const noNames = { names: new Set<string>(), describe: () => "" };

/** The parsed config of a trigger node (the workflow was validated when it was published). */
export function parseTriggerConfig<C>(node: WorkflowNode, compiler: ExpressionCompiler): C {
  const spec = NODE_CATALOGUE.get(node.nodeType);
  if (spec === undefined) throw new Error(`unknown node type ${node.nodeType}`);
  const reader = new ConfigReader(
    node.nodeId,
    node.config,
    compiler,
    noNames,
    new IssueCollector(),
  );
  return spec.parse(reader) as C;
}

/**
 * The chat triggers of a workflow's published version (its current definition at publish
 * time): one rule per enabled trigger_command or trigger_event node.
 */
export function chatTriggerRules(workflow: Workflow, compiler: ExpressionCompiler): TriggerRule[] {
  if (workflow.publishedVersion === null) return [];
  const base = {
    workflowId: workflow.workflowId,
    workflowVersion: workflow.publishedVersion,
    communityId: workflow.communityId,
    entityId: workflow.entityId,
  };
  const rules: TriggerRule[] = [];
  for (const node of workflow.definition.nodes) {
    if (!node.enabled) continue;
    if (node.nodeType === "trigger_command") {
      const c = parseTriggerConfig<CommandTriggerConfig>(node, compiler);
      const parsed = parseCommandText(c.commandPattern);
      if (parsed === null) continue;
      const aliases = c.aliases.flatMap((alias) => {
        const word = parseCommandText(alias)?.word;
        return word === undefined ? [] : [word];
      });
      const keywords = [parsed.word, ...aliases].map((w) => commandKeyword(w) ?? w.toLowerCase());
      rules.push({
        ...base,
        nodeId: node.nodeId,
        kind: "command",
        eventType: "command",
        keywords: [...new Set(keywords)],
        platforms: c.platforms.map((p) => p.toLowerCase()),
        command: {
          prefix: parsed.prefix,
          words: [parsed.word, ...splitArguments(parsed.rest)],
          aliases,
          caseSensitive: c.caseSensitive,
          minArgs: c.minArgs,
          maxArgs: c.maxArgs,
          argumentNames: c.argumentNames,
          messageMinLength: c.messageMinLength,
          requireBotOwner: c.requireBotOwner,
          requirePermission: c.requirePermission,
        },
        filters: {},
        limits: limitsOf(c),
      });
    } else if (node.nodeType === "trigger_event") {
      const c = parseTriggerConfig<EventTriggerConfig>(node, compiler);
      rules.push({
        ...base,
        nodeId: node.nodeId,
        kind: "event",
        eventType: c.eventType,
        keywords: [""],
        platforms: c.platforms.map((p) => p.toLowerCase()),
        command: null,
        filters: c.eventFilters,
        limits: limitsOf(c),
      });
    }
  }
  return rules;
}

function limitsOf(c: CommandTriggerConfig | EventTriggerConfig): TriggerRule["limits"] {
  return {
    channels: c.channels,
    requireMod: c.requireMod,
    allowedRoles: c.allowedRoles,
    cooldownSeconds: c.cooldownSeconds,
    userCooldownSeconds: c.userCooldownSeconds,
    cooldownBypassRoles: c.cooldownBypassRoles,
    concurrencyScope: c.concurrencyScope,
    maxConcurrent: c.maxConcurrent,
    cooldownReplyWorkflowId: c.cooldownReplyWorkflowId,
  };
}

/**
 * Chat rules, webhooks and schedules of a workflow's published version; `nextFire` gives a
 * schedule's first tick (the cron calendar and the clock live outside the domain).
 */
export function triggerPlanOf(
  workflow: Workflow,
  compiler: ExpressionCompiler,
  nextFire: (config: ScheduleTriggerConfig) => number | null,
): TriggerPlan {
  const webhooks: WebhookPlan[] = [];
  const schedules: SchedulePlan[] = [];
  if (workflow.publishedVersion !== null) {
    for (const node of workflow.definition.nodes) {
      if (node.enabled && node.nodeType === "trigger_schedule") {
        const config = parseTriggerConfig<ScheduleTriggerConfig>(node, compiler);
        schedules.push({
          workflowId: workflow.workflowId,
          nodeId: node.nodeId,
          communityId: workflow.communityId,
          entityId: workflow.entityId,
          workflowVersion: workflow.publishedVersion,
          config,
          nextFireAtMs: nextFire(config),
        });
      }
      if (!node.enabled || node.nodeType !== "trigger_webhook") continue;
      webhooks.push({
        workflowId: workflow.workflowId,
        nodeId: node.nodeId,
        communityId: workflow.communityId,
        entityId: workflow.entityId,
        workflowVersion: workflow.publishedVersion,
        config: parseTriggerConfig<WebhookTriggerConfig>(node, compiler),
      });
    }
  }
  return { rules: chatTriggerRules(workflow, compiler), webhooks, schedules };
}
