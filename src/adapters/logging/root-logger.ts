import { type DestinationStream, type Logger as Pino, pino } from "pino";
import { safeError } from "./safe-error.js";

interface RootLoggerOptions {
  level: string;
  service: string;
  /** Defaults to stdout; tests pass a stream to read the lines back. */
  destination?: DestinationStream;
}

/** One JSON object per line: ISO time, level name, service, message, then the fields. */
export function createRootLogger(options: RootLoggerOptions): Pino {
  return pino(
    {
      level: options.level,
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Errors are logged through one serializer that keeps no database values (safe-error.ts).
      serializers: { err: safeError, error: safeError },
      // Secrets must never reach the log, whatever a caller passes in.
      redact: {
        paths: ["secret", "apiKey", "api_key", "*.secret", "headers['x-api-key']"],
        censor: "[redacted]",
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
