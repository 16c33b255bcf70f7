/**
 * What the machine charges for the bare transport at the moment of the run: a node:http2 echo
 * (server and client in this process, one h2c connection), so the service's figures can be
 * read against the floor any RPC has here. On a shared or throttled machine this moves a lot.
 */
import { connect, createServer } from "node:http2";
import type { AddressInfo } from "node:net";
import { round, summarise } from "./stats.js";

export interface CalibrationResult {
  concurrency: number;
  calls: number;
  /** Wall time per call and CPU (client + server) per call, in µs. */
  wallUsPerCall: number;
  cpuUsPerCall: number;
  latencyMs: { p50: number; p99: number };
}

export async function calibrate(calls: number): Promise<CalibrationResult[]> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.end("ok"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const session = connect(`http://127.0.0.1:${port}`);
  const call = () =>
    new Promise<void>((resolve, reject) => {
      const stream = session.request({ ":method": "POST", ":path": "/echo" });
      stream.on("data", () => undefined);
      stream.on("end", resolve);
      stream.on("error", reject);
      stream.end("ping");
    });
  const results: CalibrationResult[] = [];
  try {
    await Promise.all(Array.from({ length: 200 }, call));
    for (const concurrency of [1, 16]) {
      const samples: number[] = [];
      let issued = 0;
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (issued++ < calls) {
            const t = performance.now();
            await call();
            samples.push(performance.now() - t);
          }
        }),
      );
      const wallMs = performance.now() - start;
      const cpu = process.cpuUsage(cpuStart);
      const latency = summarise(samples);
      results.push({
        concurrency,
        calls,
        wallUsPerCall: round((wallMs * 1000) / calls, 0),
        cpuUsPerCall: round((cpu.user + cpu.system) / calls, 0),
        latencyMs: { p50: latency.p50, p99: latency.p99 },
      });
    }
  } finally {
    session.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return results;
}
