/**
 * Preloaded into the service child (`--import` after tsx): samples event-loop delay and
 * answers the parent's "loop-delay" IPC message with the histogram since the previous answer.
 * A 10 ms timer firing late measures both a blocked loop and time the OS did not run the
 * process. The histogram holds the whole interval between ticks; the answer is the lateness.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";

const resolutionMs = 10;
const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
histogram.enable();
const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - resolutionMs) * 100) / 100);

process.on("message", (message) => {
  if (message !== "loop-delay") return;
  process.send?.({
    kind: "loop-delay",
    p50: ms(histogram.percentile(50)),
    p99: ms(histogram.percentile(99)),
    max: ms(histogram.max),
    mean: ms(histogram.mean),
  });
  histogram.reset();
});
// The channel must not keep the service alive at shutdown.
process.channel?.unref();
