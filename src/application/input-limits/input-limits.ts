/**
 * Every limit on what callers send, the same for REST and RPC: the use cases check them
 * (InputCheck), the REST body reader reuses them. docs/limits.md is this table in prose.
 */
export const inputLimits = {
  /**
   * Nesting of one JSON value (`{}` is 1, `{"a":{}}` is 2): variables, trigger data, global
   * variables, a node's config, a node mock. Every answer that carries a stored value wraps it
   * in a few messages, and google.protobuf.Struct costs two message levels per JSON level: 32
   * keeps every answer within protobuf's default recursion limit of 100 in every client.
   */
  jsonDepth: 32,
  /** Characters (UTF-16 code units) per kind of text field. */
  text: {
    id: 128,
    workflowName: 200,
    nodeLabel: 200,
    description: 5_000,
    tag: 64,
    apiKeyName: 100,
    userId: 128,
    role: 64,
    triggerField: 128,
    /** A chat message of a dispatched event (Discord allows 2,000, Twitch 500). */
    chatMessage: 4_000,
    search: 200,
    reason: 1_000,
    idempotencyKey: 200,
    pageToken: 256,
    /** X-API-Key: longer is UNAUTHORIZED, as an unknown key is. */
    apiKeySecret: 512,
  },
  /** Entries per list or map. */
  list: {
    nodes: 500,
    connections: 2_000,
    tags: 50,
    roles: 50,
    communityIds: 1_000,
    nodeMocks: 500,
    perPage: 100,
  },
  /** Serialised JSON size, in characters. */
  size: {
    variablesAndTriggerData: 256 * 1024,
    definition: 1_000_000,
  },
  /** Versions, engine limits and page numbers are int32 in the contract and the database. */
  int32Max: 2_147_483_647,
} as const;
