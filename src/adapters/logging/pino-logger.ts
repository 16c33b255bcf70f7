import type { Logger as Pino } from "pino";
import type { Logger } from "../../ports/logger.js";

/** The Logger port on top of pino. */
export class PinoLogger implements Logger {
  constructor(private readonly pino: Pino) {}

  info(fields: Record<string, unknown>, message: string): void {
    this.pino.info(fields, message);
  }

  warn(fields: Record<string, unknown>, message: string): void {
    this.pino.warn(fields, message);
  }

  error(fields: Record<string, unknown>, message: string): void {
    this.pino.error(fields, message);
  }
}
