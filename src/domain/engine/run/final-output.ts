import type { JsonValue } from "../../json.js";
import type { CompiledNode } from "../compile-workflow.js";
import { compareStamps } from "../variable-store.js";
import type { Frame } from "./frame.js";

/** The run's final output: every flow_end offers its own, and the higher-ranked node wins. */
export class FinalOutput {
  value: JsonValue = null;
  stamp: readonly number[] | null = null;

  offer(frame: Frame, node: CompiledNode, output: JsonValue): void {
    const stamp = [...frame.stampPrefix, node.rank];
    if (this.stamp === null || compareStamps(this.stamp, stamp) <= 0) {
      this.value = output;
      this.stamp = stamp;
    }
  }
}
