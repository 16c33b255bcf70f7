/**
 * Several service processes (`node --import tsx src/main.ts`) on one PostgreSQL database, each
 * with Connect clients, that tests can kill -9, SIGSTOP/SIGCONT, SIGTERM and start again.
 */
import { type Client, createClient } from "@connectrpc/connect";
import { ExecutionService } from "../../../src/gen/waddlebot/workflow/v1/execution_service_pb.js";
import { WorkflowService } from "../../../src/gen/waddlebot/workflow/v1/workflow_service_pb.js";
import { createTransport } from "../../support/server-harness.js";
import { type ServiceProcess, spawnService, within } from "../server/service-process.js";

export interface Member {
  readonly index: number;
  readonly extra: Record<string, string>;
  proc: ServiceProcess;
  url: string;
  executions: Client<typeof ExecutionService>;
  workflows: Client<typeof WorkflowService>;
  /** Up and not stopped: requests go here. */
  serving: boolean;
}

export class Cluster {
  readonly members: Member[] = [];

  constructor(private readonly env: Record<string, string>) {}

  async start(count: number): Promise<void> {
    for (let i = 0; i < count; i++) this.members.push(await this.spawn(i));
  }

  /** One more process, with these settings on top of the cluster's. */
  async add(extra: Record<string, string> = {}): Promise<Member> {
    const member = await this.spawn(this.members.length, extra);
    this.members.push(member);
    return member;
  }

  /** A new process in the member's place (with the settings it was started with). */
  async restart(member: Member): Promise<void> {
    const fresh = await this.spawn(member.index, member.extra);
    Object.assign(member, fresh);
  }

  async kill9(member: Member): Promise<void> {
    member.serving = false;
    member.proc.child.kill("SIGKILL");
    await within(member.proc.exited, 30_000, "kill -9");
  }

  /** SIGTERM and wait for the graceful exit (code 0). */
  async terminate(member: Member): Promise<number | null> {
    member.serving = false;
    member.proc.child.kill("SIGTERM");
    return within(member.proc.exited, 60_000, "graceful stop");
  }

  stop(member: Member): void {
    member.serving = false;
    member.proc.child.kill("SIGSTOP");
  }

  resume(member: Member): void {
    member.proc.child.kill("SIGCONT");
    member.serving = true;
  }

  /** Ends every process still running (SIGCONT first, so SIGTERM can be handled). */
  async shutdown(): Promise<void> {
    for (const member of this.members) {
      if (member.proc.child.exitCode !== null || member.proc.child.signalCode !== null) continue;
      member.proc.child.kill("SIGCONT");
      member.proc.child.kill("SIGTERM");
    }
    await Promise.all(
      this.members.map((m) =>
        within(m.proc.exited, 60_000, "shutdown").catch(() => m.proc.child.kill("SIGKILL")),
      ),
    );
  }

  private async spawn(index: number, extra: Record<string, string> = {}): Promise<Member> {
    const proc = spawnService({
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "info",
      ...this.env,
      ...extra,
    });
    const started = await within(
      proc.waitFor((line) => line.action === "start"),
      60_000,
      "start-up",
    ).catch(async () => {
      throw new Error(`process ${index} did not start: ${proc.stderr()}`);
    });
    const url = String(started.url);
    const key = this.env.ADMIN_API_KEY;
    return {
      index,
      extra,
      proc,
      url,
      executions: createClient(ExecutionService, createTransport(url, "connect-h1", key).transport),
      workflows: createClient(WorkflowService, createTransport(url, "connect-h1", key).transport),
      serving: true,
    };
  }
}

/** A small seeded PRNG (mulberry32): the same seed gives the same chaos. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
