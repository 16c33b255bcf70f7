/** Who is calling: the principal an API key belongs to. */
export interface Principal {
  userId: string;
  roles: string[];
  communityIds: number[];
  admin: boolean;
  /** May dispatch chat events (TriggerService.DispatchChatEvent); admin-granted. */
  canDispatch?: boolean;
  /** The API key that authenticated the call (for the audit trail). */
  keyId: string;
}
