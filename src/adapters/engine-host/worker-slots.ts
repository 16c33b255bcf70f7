/**
 * What a worker tells the main thread through shared memory, readable while the worker is
 * busy and cannot answer messages: which run (and node) executes since when. The worker calls
 * `enter` wherever a run's code starts (a wait of the run ends, a node starts, a message for it
 * arrives); each call bumps the beat and records the thread's CPU time. CPU time spent since
 * the latest beat is therefore what the current segment of the current run has used.
 */
const BEAT = 0;
const TOKEN = 1;
const NODE = 2;
const SEQUENCE = 3;
const ATTEMPT = 4;
const INTS = 8;
const CPU_AT_BEAT = 0;
const NODE_STARTED_AT = 1;

/** The node a run is in: its position in the definition and its record's numbers. */
export interface SlotNode {
  index: number;
  sequence: number;
  attempt: number;
  startedAtMs: number;
}

export interface SlotReading {
  beat: number;
  /** CPU time of the worker thread at the latest beat (segment start), in microseconds. */
  cpuAtBeatUs: number;
  /** The run executing (or that executed last); 0 for none. */
  token: number;
  node: SlotNode | null;
}

export class WorkerSlots {
  private readonly ints: Int32Array;
  private readonly floats: Float64Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.ints = new Int32Array(buffer, 0, INTS);
    this.floats = new Float64Array(buffer, INTS * 4, 2);
  }

  static create(): WorkerSlots {
    return new WorkerSlots(new SharedArrayBuffer(INTS * 4 + 2 * 8));
  }

  /** Worker: run `token` executes from now on, in `node` (null: between nodes). */
  enter(token: number, node: SlotNode | null, cpuUs: number): void {
    this.floats[CPU_AT_BEAT] = cpuUs;
    Atomics.store(this.ints, TOKEN, token);
    Atomics.store(this.ints, NODE, node === null ? 0 : node.index + 1);
    if (node !== null) {
      Atomics.store(this.ints, SEQUENCE, node.sequence);
      Atomics.store(this.ints, ATTEMPT, node.attempt);
      this.floats[NODE_STARTED_AT] = node.startedAtMs;
    }
    Atomics.add(this.ints, BEAT, 1);
  }

  /** Main thread. */
  read(): SlotReading {
    const nodeIndex = Atomics.load(this.ints, NODE) - 1;
    return {
      beat: Atomics.load(this.ints, BEAT),
      cpuAtBeatUs: this.floats[CPU_AT_BEAT] ?? 0,
      token: Atomics.load(this.ints, TOKEN),
      node:
        nodeIndex < 0
          ? null
          : {
              index: nodeIndex,
              sequence: Atomics.load(this.ints, SEQUENCE),
              attempt: Atomics.load(this.ints, ATTEMPT),
              startedAtMs: this.floats[NODE_STARTED_AT] ?? 0,
            },
    };
  }
}
