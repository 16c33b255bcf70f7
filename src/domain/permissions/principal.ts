/** Who is calling: the principal an API key belongs to. */
export interface Principal {
  userId: string;
  roles: string[];
  communityIds: number[];
  admin: boolean;
  /** The API key that authenticated the call (for the audit trail). */
  keyId: string;
}
