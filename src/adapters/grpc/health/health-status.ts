import { HealthCheckResponse_ServingStatus as ServingStatus } from "../../../gen/grpc/health/v1/health_pb.js";

/**
 * What grpc.health.v1.Health reports: SERVING until shutdown begins, then NOT_SERVING, for
 * the whole server ("") and each registered service; other names are unknown.
 */
export class HealthStatus {
  private serving = true;
  private readonly services = new Set<string>([""]);
  private readonly listeners = new Set<() => void>();

  addService(name: string): void {
    this.services.add(name);
  }

  /** null for a service name the server does not serve. */
  status(service: string): ServingStatus | null {
    if (!this.services.has(service)) return null;
    return this.serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
  }

  setServing(serving: boolean): void {
    if (serving === this.serving) return;
    this.serving = serving;
    for (const listener of [...this.listeners]) listener();
  }

  /**
   * The current status, then each change, until `signal` aborts. A change that comes with
   * the abort (NOT_SERVING at shutdown) is still reported.
   */
  async *watch(service: string, signal: AbortSignal): AsyncGenerator<ServingStatus> {
    let last: ServingStatus | undefined;
    for (;;) {
      const current = this.status(service) ?? ServingStatus.SERVICE_UNKNOWN;
      if (current !== last) {
        last = current;
        yield current;
      }
      if (signal.aborted) return;
      await this.nextChange(signal);
    }
  }

  private nextChange(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.listeners.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.listeners.add(done);
      signal.addEventListener("abort", done, { once: true });
      if (signal.aborted) done();
    });
  }
}
