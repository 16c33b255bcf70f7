import type { PoolWorker } from "./pool-worker.js";
import type { SlotReading } from "./worker-slots.js";

/**
 * Checks the busy workers every `tickMs`: a worker whose beat has not moved since the last
 * check may be inside one long segment; its thread's CPU time says how long that segment has
 * computed. Past `boundMs`, `exceeded` is called (once; the pool then stops the worker).
 */
export class CpuWatchdog {
  private timer: NodeJS.Timeout | null = null;
  private readonly boundUs: number;

  constructor(
    private readonly boundMs: number,
    private readonly workers: () => Iterable<PoolWorker>,
    private readonly exceeded: (worker: PoolWorker, reading: SlotReading, cpuMs: number) => void,
  ) {
    this.boundUs = boundMs * 1000;
  }

  start(): void {
    if (this.timer !== null) return;
    const tickMs = Math.min(250, Math.max(5, Math.floor(this.boundMs / 5)));
    this.timer = setInterval(() => this.check(), tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private check(): void {
    for (const worker of this.workers()) {
      if (!worker.ready || worker.stopping || worker.runs.size === 0 || worker.probing) continue;
      const { beat } = worker.slots.read();
      if (beat !== worker.lastBeat) {
        worker.lastBeat = beat;
        continue;
      }
      worker.probing = true;
      worker.cpuTimeUs().then(
        (cpuUs) => {
          worker.probing = false;
          const reading = worker.slots.read();
          if (worker.stopping || reading.beat !== beat) return;
          const busyUs = cpuUs - reading.cpuAtBeatUs;
          if (busyUs >= this.boundUs) this.exceeded(worker, reading, Math.round(busyUs / 1000));
        },
        () => {
          worker.probing = false;
        },
      );
    }
  }
}
