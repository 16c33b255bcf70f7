import { startTestService, type TestService } from "../../support/server-harness.js";

export interface RunningService {
  readonly baseUrl: string;
  readonly adminKey: string;
  /** The REST body limit the service runs with (MAX_REQUEST_BYTES). */
  readonly maxBodyBytes: number;
  readonly svc: TestService;
  stop(): Promise<void>;
}

/**
 * The whole service (harness) on a fresh database, with a small request limit so the 413
 * test stays cheap.
 */
export async function startRestService(): Promise<RunningService> {
  const svc = await startTestService({ env: { MAX_REQUEST_BYTES: "65536" } });
  return {
    baseUrl: svc.url,
    adminKey: svc.adminKey,
    maxBodyBytes: svc.config.server.maxRequestBytes,
    svc,
    stop: () => svc.close(),
  };
}
