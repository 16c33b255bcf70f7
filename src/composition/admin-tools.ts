import { Container } from "inversify";
import { pino } from "pino";
import { createRootLogger } from "../adapters/logging/root-logger.js";
import { openPersistence } from "../adapters/persistence/open-persistence.js";
import { CreateApiKey } from "../application/api-keys/create-api-key.js";
import { ListApiKeys } from "../application/api-keys/list-api-keys.js";
import { RevokeApiKey } from "../application/api-keys/revoke-api-key.js";
import type { Config } from "../config.js";
import { applicationModule } from "./application.module.js";
import { coreModule } from "./core.module.js";
import { persistenceModule } from "./persistence.module.js";

interface AdminTools {
  createApiKey: CreateApiKey;
  listApiKeys: ListApiKeys;
  revokeApiKey: RevokeApiKey;
  close(): Promise<void>;
}

/**
 * The API key use cases on the configured database, for the CLI. Logs (audit lines included)
 * go to stderr so that stdout carries only the command's output.
 */
export async function openAdminTools(config: Config): Promise<AdminTools> {
  const logger = createRootLogger({
    level: config.log.level,
    service: config.telemetry.serviceName,
    destination: pino.destination({ dest: 2, sync: true }),
  });
  const persistence = await openPersistence({
    databaseUrl: config.db.databaseUrl ?? undefined,
    sqlitePath: config.db.sqlitePath,
  });
  const container = new Container({ defaultScope: "Singleton" });
  container.load(coreModule(config, logger), persistenceModule(persistence), applicationModule);
  return {
    createApiKey: container.get(CreateApiKey),
    listApiKeys: container.get(ListApiKeys),
    revokeApiKey: container.get(RevokeApiKey),
    close: () => persistence.close(),
  };
}
