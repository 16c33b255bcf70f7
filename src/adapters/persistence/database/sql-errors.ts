import {
  CheckConstraintViolationException,
  ForeignKeyConstraintViolationException,
  NotNullConstraintViolationException,
  UniqueConstraintViolationException,
} from "@mikro-orm/core";

type ConstraintKind = "unique" | "foreign_key" | "check" | "not_null";

/** Which constraint an error reports (MikroORM exceptions, SQLite and PostgreSQL codes), or null. */
export function violatedConstraint(error: unknown): ConstraintKind | null {
  if (typeof error !== "object" || error === null) return null;
  if (error instanceof UniqueConstraintViolationException) return "unique";
  if (error instanceof ForeignKeyConstraintViolationException) return "foreign_key";
  if (error instanceof CheckConstraintViolationException) return "check";
  if (error instanceof NotNullConstraintViolationException) return "not_null";
  const code = String((error as { code?: unknown }).code ?? "");
  switch (code) {
    case "23505":
    case "SQLITE_CONSTRAINT_UNIQUE":
    case "SQLITE_CONSTRAINT_PRIMARYKEY":
      return "unique";
    case "23503":
    case "SQLITE_CONSTRAINT_FOREIGNKEY":
      return "foreign_key";
    case "23514":
    case "SQLITE_CONSTRAINT_CHECK":
      return "check";
    case "23502":
    case "SQLITE_CONSTRAINT_NOTNULL":
      return "not_null";
    default:
      return null;
  }
}
