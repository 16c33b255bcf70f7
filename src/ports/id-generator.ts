export interface IdGenerator {
  /** A new unique, time-ordered identifier (UUIDv7 text). */
  next(): string;
}
