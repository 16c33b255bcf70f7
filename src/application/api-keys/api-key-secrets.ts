/** Makes API key secrets and their stored digests (randomness and hashing live in an adapter). */
export interface ApiKeySecrets {
  /** A new random secret, shown to its owner once. */
  generate(): string;
  /** The digest stored and looked up instead of the secret (SHA-256, hex). */
  hash(secret: string): string;
}
