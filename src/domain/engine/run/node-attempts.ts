import type { NodeRun } from "../../execution/node-run.js";
import type { JsonValue } from "../../json.js";
import type { Clock } from "../../ports/clock.js";
import { type RetryPolicy, retryDelayMs } from "../../workflow/node-types/retry.js";
import type { CompiledNode } from "../compile-workflow.js";
import type { NodeOutcome } from "../node-context.js";
import { messageOf, NodeFailure } from "../node-failure.js";
import { NODE_BEHAVIOURS } from "../nodes/node-behaviours.js";
import type { Frame } from "./frame.js";
import { RunContext, type RunServices } from "./run-context.js";
import type { RunControl } from "./run-control.js";
import type { RunLimits } from "./run-limits.js";

export type Outcome = { ok: true; value: NodeOutcome } | { ok: false; error: unknown };

/**
 * Runs a node's behaviour: synchronously when it completes synchronously, and on a retryable
 * node error once more after the backoff of its retry policy, until the attempts are used up.
 */
export class NodeAttempts {
  constructor(
    private readonly services: RunServices,
    private readonly control: RunControl,
    private readonly limits: RunLimits,
    private readonly clock: Clock,
  ) {}

  run(
    frame: Frame,
    node: CompiledNode,
    record: NodeRun,
    input: JsonValue,
    policy: RetryPolicy,
    attempt: number,
  ): Outcome | Promise<Outcome> {
    record.attempt = attempt;
    const ctx = new RunContext(this.services, frame, node, record, input, attempt);
    const behaviour = NODE_BEHAVIOURS.get(node.type);
    let value: NodeOutcome | Promise<NodeOutcome>;
    try {
      if (behaviour === undefined) throw new Error(`no behaviour for node type ${node.type}`);
      value = behaviour(ctx);
    } catch (error) {
      return this.retryOrFail(frame, node, record, input, policy, attempt, error);
    }
    if (!(value instanceof Promise)) return { ok: true, value };
    return value.then(
      (v): Outcome => ({ ok: true, value: v }),
      (error) => this.retryOrFail(frame, node, record, input, policy, attempt, error),
    );
  }

  private retryOrFail(
    frame: Frame,
    node: CompiledNode,
    record: NodeRun,
    input: JsonValue,
    policy: RetryPolicy,
    attempt: number,
    error: unknown,
  ): Outcome | Promise<Outcome> {
    const retryable = error instanceof NodeFailure && error.retryable;
    if (!retryable || attempt >= policy.maxAttempts || this.control.closed) {
      return { ok: false, error };
    }
    const delay = retryDelayMs(policy, attempt);
    const parkAfterMs = this.services.parkAfterMs(frame);
    if (parkAfterMs !== null && delay >= parkAfterMs) {
      this.services.log(
        record,
        `attempt ${attempt} failed: ${messageOf(error)}; retrying in ${delay} ms`,
      );
      return {
        ok: true,
        value: {
          port: null,
          output: null,
          wait: { kind: "retry", attempt: attempt + 1, wakeAtMs: this.clock.now() + delay },
        },
      };
    }
    this.services.log(
      record,
      `attempt ${attempt} failed: ${messageOf(error)}; retrying in ${delay} ms`,
    );
    this.limits.armTimers();
    return this.clock.sleep(delay, this.control.signal()).then(
      () => this.run(frame, node, record, input, policy, attempt + 1),
      (): Outcome => ({ ok: false, error }),
    );
  }
}
