import { DomainError, type FieldViolation } from "../../domain/errors.js";
import type { ApiKeyRecord } from "../../ports/api-key-repository.js";

/** What a caller asks for when creating a key. */
export interface NewApiKeyInput {
  name: string;
  principal: {
    userId: string;
    roles: string[];
    communityIds: number[];
    admin: boolean;
  };
}

const maxName = 100;
const maxUserId = 128;
const maxRoles = 50;
const maxCommunities = 1000;

/** Validates and normalises the input (trimmed, de-duplicated); throws BAD_REQUEST. */
export function normaliseNewApiKey(input: NewApiKeyInput): {
  name: string;
  principal: ApiKeyRecord["principal"];
} {
  const violations: FieldViolation[] = [];
  const name = input.name.trim();
  if (name === "" || name.length > maxName) {
    violations.push({ field: "name", description: `name must be 1 to ${maxName} characters` });
  }
  const userId = input.principal.userId.trim();
  if (userId === "" || userId.length > maxUserId) {
    violations.push({
      field: "principal.user_id",
      description: `user_id must be 1 to ${maxUserId} characters`,
    });
  }
  const roles = [...new Set(input.principal.roles.map((role) => role.trim()))];
  if (roles.length > maxRoles || roles.some((role) => role === "" || role.length > 64)) {
    violations.push({
      field: "principal.roles",
      description: `at most ${maxRoles} roles, each 1 to 64 characters`,
    });
  }
  const communityIds = [...new Set(input.principal.communityIds)].sort((a, b) => a - b);
  if (
    communityIds.length > maxCommunities ||
    communityIds.some((id) => !Number.isSafeInteger(id) || id <= 0)
  ) {
    violations.push({
      field: "principal.community_ids",
      description: `at most ${maxCommunities} community ids, each a positive integer`,
    });
  }
  if (violations.length > 0) throw DomainError.badRequest("invalid API key request", violations);
  return { name, principal: { userId, roles, communityIds, admin: input.principal.admin } };
}
