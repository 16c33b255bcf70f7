/**
 * The real service as a child process (`node --import tsx src/main.ts`) on 127.0.0.1, started
 * with exactly the environment given here, and stopped with SIGTERM (SIGKILL when it does not
 * exit in time). A process-exit hook kills children that are still alive, so an aborted
 * benchmark leaves nothing running.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import {
  Health,
  HealthCheckResponse_ServingStatus,
} from "../../src/gen/grpc/health/v1/health_pb.js";
import { processCpuMs } from "./cpu-use.js";
import { sleep } from "./stats.js";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const alive = new Set<ChildProcess>();
process.on("exit", () => killAllServiceChildren("SIGKILL"));

/** Ends every child still running (an interrupted or overdue benchmark). */
export function killAllServiceChildren(signal: NodeJS.Signals = "SIGTERM"): void {
  for (const child of alive) child.kill(signal);
}

export interface ServiceChild {
  readonly url: string;
  readonly pid: number;
  /** Graceful stop; resolves with the exit code (null after a forced kill). */
  stop(): Promise<number | null>;
  /** The last lines the service wrote to stdout/stderr (for failure messages). */
  output(): string;
  /** CPU time (user + system, all threads) the service has used so far, in ms. */
  cpuMs(): number;
  /** The main thread: CPU time and time spent runnable but waiting for a CPU, in ms. */
  mainThread(): { cpuMs: number; runQueueWaitMs: number };
  /** Event-loop delay since the previous call (the loop-delay probe is always preloaded). */
  loopDelay(): Promise<LoopDelay>;
}

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

const loopDelayProbe = fileURLToPath(new URL("./loop-delay-probe.ts", import.meta.url));

export interface StartOptions {
  env: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** The script to run, relative to the repository (default the service, src/main.ts). */
  entry?: string;
  startTimeoutMs?: number;
}

export async function startServiceChild(options: StartOptions): Promise<ServiceChild> {
  const port = await freePort();
  const env = {
    PATH: process.env.PATH ?? "",
    ...options.env,
    HOST: "127.0.0.1",
    PORT: String(port),
  };
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      "--import",
      "tsx",
      "--import",
      loopDelayProbe,
      options.entry ?? "src/main.ts",
    ],
    { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe", "ipc"] },
  );
  alive.add(child);
  const exited = once(child, "exit").then(([code]) => {
    alive.delete(child);
    return code as number | null;
  });
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  try {
    await waitUntilServing(url, exited, options.startTimeoutMs ?? 60_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\nservice output:\n${tail}`);
  }
  const pid = child.pid ?? -1;
  return {
    url,
    pid,
    stop,
    output: () => tail,
    cpuMs: () => processCpuMs(pid),
    mainThread: () => mainThreadSchedStat(pid),
    loopDelay: () => askLoopDelay(child),
  };
}

async function waitUntilServing(
  url: string,
  exited: Promise<number | null>,
  timeoutMs: number,
): Promise<void> {
  const health = createClient(Health, createConnectTransport({ baseUrl: url, httpVersion: "1.1" }));
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`the service exited (${exitCode}) while starting`);
    try {
      const answer = await health.check({ service: "" }, { timeoutMs: 1_000 });
      if (answer.status === HealthCheckResponse_ServingStatus.SERVING) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`the service did not report SERVING within ${timeoutMs} ms`);
}

function askLoopDelay(child: ChildProcess): Promise<LoopDelay> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off("message", onMessage);
      reject(new Error("the service did not answer the loop-delay probe"));
    }, 10_000);
    const onMessage = (message: unknown) => {
      const m = message as { kind?: string } & LoopDelay;
      if (m.kind !== "loop-delay") return;
      clearTimeout(timer);
      child.off("message", onMessage);
      resolve({ p50: m.p50, p99: m.p99, max: m.max, mean: m.mean });
    };
    child.on("message", onMessage);
    child.send("loop-delay");
  });
}

/** /proc/<pid>/schedstat (the thread-group leader): CPU ns, run-queue wait ns, timeslices. */
function mainThreadSchedStat(pid: number): { cpuMs: number; runQueueWaitMs: number } {
  try {
    const [cpu, wait] = readFileSync(`/proc/${pid}/schedstat`, "utf8").trim().split(" ");
    return { cpuMs: Number(cpu) / 1e6, runQueueWaitMs: Number(wait) / 1e6 };
  } catch {
    return { cpuMs: 0, runQueueWaitMs: 0 };
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
