import { FieldReader } from "./json-fields.js";

/** Reads of URL query parameters; `throwIfInvalid` reports every bad one in one BAD_REQUEST. */
export class QueryParams {
  private readonly reader = new FieldReader();

  constructor(private readonly search: URLSearchParams) {}

  throwIfInvalid(): void {
    this.reader.throwIfAny("invalid query parameters");
  }

  has(name: string): boolean {
    return this.search.has(name);
  }

  /** The first value as sent (empty included), or undefined when the parameter is absent. */
  raw(name: string): string | undefined {
    return this.search.get(name) ?? undefined;
  }

  /** The first value; an empty value counts as absent. */
  string(name: string): string | undefined {
    const value = this.search.get(name);
    return value === null || value.trim() === "" ? undefined : value.trim();
  }

  integer(name: string, min: number): number | undefined {
    return this.reader.integer(this.string(name), name, min);
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.string(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (["true", "1", "yes", "on"].includes(value)) return true;
    if (["false", "0", "no", "off"].includes(value)) return false;
    this.reader.fail(name, `${name} must be true or false`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const match = allowed.find((candidate) => candidate === value.toLowerCase());
    if (match === undefined) this.reader.fail(name, `${name} must be one of ${allowed.join(", ")}`);
    return match;
  }

  /** Repeated (`?status=a&status=b`) and comma-separated (`?status=a,b`) values alike. */
  list<T extends string>(name: string, allowed: readonly T[]): T[] {
    const values = this.search
      .getAll(name)
      .flatMap((value) => value.split(","))
      .map((value) => value.trim().toLowerCase())
      .filter((value) => value !== "");
    const result: T[] = [];
    for (const value of values) {
      const match = allowed.find((candidate) => candidate === value);
      if (match === undefined) {
        this.reader.fail(name, `${name} must be one of ${allowed.join(", ")}`);
      } else if (!result.includes(match)) {
        result.push(match);
      }
    }
    return result;
  }

  date(name: string): Date | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const date = new Date(value);
    if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
      this.reader.fail(name, `${name} must be an ISO-8601 timestamp`);
      return undefined;
    }
    return date;
  }
}
