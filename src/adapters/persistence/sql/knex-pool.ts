/** The part of knex's client that lends out raw driver connections. */
export interface KnexPool<Connection> {
  acquireConnection(): Promise<Connection>;
  releaseConnection(connection: Connection): Promise<void>;
}
