import { ContainerModule } from "inversify";
import { CronerCalendar } from "../adapters/system/croner-calendar.js";
import { CryptoWebhookSecurity } from "../adapters/webhooks/crypto-webhook-security.js";
import { ExecutionRunner } from "../application/executions/execution-runner.js";
import { Auditor } from "../application/shared/audit.js";
import { CommunityStopSwitch } from "../application/triggers/community-stop-switch.js";
import { DispatchChatEvent } from "../application/triggers/dispatch-chat-event.js";
import { ListSchedules } from "../application/triggers/list-schedules.js";
import { ManageWebhooks } from "../application/triggers/manage-webhooks.js";
import { ReceiveWebhook } from "../application/triggers/receive-webhook.js";
import { ScheduleRunner } from "../application/triggers/schedule-runner.js";
import { StartGuard } from "../application/triggers/start-guard.js";
import { TriggerAdmissionGate } from "../application/triggers/trigger-admission-gate.js";
import { WorkflowAccess } from "../application/workflows/workflow-access.js";
import { Tokens } from "./tokens.js";

/** Chat event dispatch, run admission under limits, and the community stop switch. */
export const triggersModule = new ContainerModule(({ bind }) => {
  bind(TriggerAdmissionGate).toDynamicValue(({ get }) => {
    const { triggers } = get(Tokens.Config);
    return new TriggerAdmissionGate(
      get(Tokens.ExecutionRepository),
      get(Tokens.TriggerStore),
      get(Tokens.TriggerStore),
      triggers.communityRunRate === 0
        ? null
        : { max: triggers.communityRunRate, windowMs: triggers.communityRunWindowSeconds * 1000 },
    );
  });
  bind(StartGuard).toDynamicValue(
    ({ get }) => new StartGuard(get(Tokens.CommunityStops), get(Auditor)),
  );
  bind(DispatchChatEvent).toDynamicValue(({ get }) => {
    const runner = get(ExecutionRunner);
    return new DispatchChatEvent(
      get(Tokens.TriggerStore),
      get(Tokens.TriggerStore),
      get(TriggerAdmissionGate),
      get(StartGuard),
      get(Tokens.WorkflowRepository),
      get(Tokens.IdGenerator),
      get(Tokens.Clock),
      get(Auditor),
      get(Tokens.Logger),
      () => runner.wake(),
    );
  });
  bind(Tokens.WebhookSecurity).toDynamicValue(({ get }) => {
    const key = get(Tokens.Config).triggers.webhookSecretKey;
    return new CryptoWebhookSecurity(key === null ? null : Buffer.from(key, "hex"));
  });
  bind(ReceiveWebhook).toDynamicValue(({ get }) => {
    const runner = get(ExecutionRunner);
    return new ReceiveWebhook(
      get(Tokens.WebhookStore),
      get(Tokens.WebhookSecurity),
      get(TriggerAdmissionGate),
      get(StartGuard),
      get(Tokens.IdGenerator),
      get(Tokens.Clock),
      get(Auditor),
      get(Tokens.Logger),
      () => runner.wake(),
    );
  });
  bind(ManageWebhooks).toDynamicValue(
    ({ get }) =>
      new ManageWebhooks(
        get(Tokens.WebhookStore),
        get(Tokens.WebhookSecurity),
        get(WorkflowAccess),
        get(Tokens.IdGenerator),
        get(Tokens.Clock),
        get(Auditor),
      ),
  );
  bind(Tokens.CronCalendar).toConstantValue(new CronerCalendar());
  bind(ListSchedules).toDynamicValue(
    ({ get }) =>
      new ListSchedules(get(Tokens.ScheduleStore), get(Tokens.CronCalendar), get(WorkflowAccess)),
  );
  bind(ScheduleRunner).toDynamicValue(({ get }) => {
    const runner = get(ExecutionRunner);
    return new ScheduleRunner(
      get(Tokens.ScheduleStore),
      get(Tokens.CronCalendar),
      get(Tokens.ExecutionRepository),
      get(StartGuard),
      (executionId) => runner.cancelLocal(executionId),
      get(Tokens.IdGenerator),
      get(Tokens.Clock),
      get(Auditor),
      get(Tokens.Logger),
      () => runner.wake(),
      { pollMs: get(Tokens.Config).triggers.schedulerPollMs, misfireGraceMs: 5000 },
    );
  });
  bind(CommunityStopSwitch).toDynamicValue(({ get }) => {
    const runner = get(ExecutionRunner);
    return new CommunityStopSwitch(
      get(Tokens.CommunityStops),
      get(Tokens.ExecutionRepository),
      (executionId) => runner.cancelLocal(executionId),
      get(Tokens.Clock),
      get(Auditor),
      get(Tokens.Logger),
    );
  });
});
