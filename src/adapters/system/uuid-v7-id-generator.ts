import { v7 } from "uuid";
import type { IdGenerator } from "../../ports/id-generator.js";

/** Time-ordered UUIDv7 ids, so ids sort by creation time in both databases. */
export class UuidV7IdGenerator implements IdGenerator {
  next(): string {
    return v7();
  }
}
