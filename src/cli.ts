import { parseArgs } from "node:util";
import { openAdminTools } from "./composition/admin-tools.js";
import { type Config, ConfigError, parseConfig, readEnv } from "./config.js";
import { DomainError } from "./domain/errors.js";
import type { Principal } from "./domain/permissions/principal.js";
import type { ApiKeyRecord } from "./ports/api-key-repository.js";

const usage = `usage: npm run cli -- <command> [options]

Works directly on the configured database (DATABASE_URL, or SQLite at SQLITE_PATH).

  create-api-key --name NAME --user USER_ID [--admin] [--dispatch] [--roles a,b] [--communities 1,2]
      Creates a key and prints it as JSON; "secret" is shown only this once.
  list-api-keys [--all]
      Prints one JSON object per key (never secrets); --all includes revoked keys.
  revoke-api-key KEY_ID
      Revokes the key; it authenticates nothing from then on.
`;

/** Audited as the user "cli". */
const cliPrincipal: Principal = {
  userId: "cli",
  roles: [],
  communityIds: [],
  admin: true,
  keyId: "cli",
};

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(usage);
    return command === undefined ? 2 : 0;
  }
  let config: Config;
  try {
    config = parseConfig(readEnv(process.env));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const run = commands[command];
  if (run === undefined) throw new UsageError(`unknown command "${command}"`);
  const tools = await openAdminTools(config);
  try {
    await run(rest, tools);
  } finally {
    await tools.close();
  }
  return 0;
}

type Tools = Awaited<ReturnType<typeof openAdminTools>>;

const commands: Record<string, (args: string[], tools: Tools) => Promise<void>> = {
  async "create-api-key"(args, tools) {
    const { values } = parse(args, {
      name: { type: "string" },
      user: { type: "string" },
      admin: { type: "boolean", default: false },
      dispatch: { type: "boolean", default: false },
      roles: { type: "string", default: "" },
      communities: { type: "string", default: "" },
    });
    if (values.name === undefined || values.user === undefined) {
      throw new UsageError("create-api-key needs --name and --user");
    }
    const communityIds = list(values.communities).map((id) => {
      if (!/^\d+$/.test(id)) throw new UsageError(`--communities: "${id}" is not a number`);
      return Number(id);
    });
    const { record, secret } = await tools.createApiKey.execute(cliPrincipal, {
      name: values.name,
      principal: {
        userId: values.user,
        roles: list(values.roles),
        communityIds,
        admin: values.admin,
        canDispatch: values.dispatch,
      },
    });
    process.stdout.write(`${JSON.stringify({ ...toJson(record), secret }, null, 2)}\n`);
    process.stderr.write("Store the secret now: it cannot be shown again.\n");
  },

  async "list-api-keys"(args, tools) {
    const { values } = parse(args, { all: { type: "boolean", default: false } });
    for (const record of await tools.listApiKeys.execute(cliPrincipal, values.all)) {
      process.stdout.write(`${JSON.stringify(toJson(record))}\n`);
    }
  },

  async "revoke-api-key"(args, tools) {
    const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
    const [keyId] = positionals;
    if (keyId === undefined || positionals.length > 1) {
      throw new UsageError("revoke-api-key needs exactly one KEY_ID");
    }
    const record = await tools.revokeApiKey.execute(cliPrincipal, keyId);
    process.stdout.write(`${JSON.stringify(toJson(record))}\n`);
  },
};

function parse<T extends NonNullable<Parameters<typeof parseArgs>[0]>["options"]>(
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function list(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

function toJson(record: ApiKeyRecord) {
  return {
    key_id: record.keyId,
    name: record.name,
    user_id: record.principal.userId,
    roles: record.principal.roles,
    community_ids: record.principal.communityIds,
    admin: record.principal.admin,
    can_dispatch: record.principal.canDispatch === true,
    created_by: record.createdBy,
    created_at: record.createdAt.toISOString(),
    revoked_at: record.revokedAt?.toISOString() ?? null,
  };
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n\n${usage}`);
    process.exitCode = 2;
  } else if (DomainError.is(error)) {
    const details = error.violations.map((v) => `${v.field}: ${v.description}`).join("; ");
    process.stderr.write(`${error.reason}: ${error.message}${details ? ` (${details})` : ""}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
