import type { ApiKeyRecord } from "../../ports/api-key-repository.js";
import { InputCheck } from "../input-limits/input-check.js";
import { inputLimits } from "../input-limits/input-limits.js";

/** What a caller asks for when creating a key. */
export interface NewApiKeyInput {
  name: string;
  principal: {
    userId: string;
    roles: string[];
    communityIds: number[];
    admin: boolean;
    canDispatch?: boolean;
  };
}

/** Validates and normalises the input (trimmed, de-duplicated); throws BAD_REQUEST. */
export function normaliseNewApiKey(input: NewApiKeyInput): {
  name: string;
  principal: ApiKeyRecord["principal"];
} {
  const { text, list } = inputLimits;
  const check = new InputCheck();
  const name = input.name.trim();
  if (name === "") check.add("name", `name must be 1 to ${text.apiKeyName} characters`);
  else check.text(name, "name", text.apiKeyName);
  const userId = input.principal.userId.trim();
  if (userId === "") {
    check.add("principal.user_id", `user_id must be 1 to ${text.userId} characters`);
  } else check.text(userId, "principal.user_id", text.userId);
  const trimmedRoles = input.principal.roles.map((role) => role.trim());
  trimmedRoles.forEach((role, i) => {
    if (role === "") check.add(`principal.roles[${i}]`, "a role must not be empty");
    else check.text(role, `principal.roles[${i}]`, text.role);
  });
  const roles = [...new Set(trimmedRoles)];
  check.count(roles.length, "principal.roles", list.roles);
  const communityIds = [...new Set(input.principal.communityIds)].sort((a, b) => a - b);
  if (
    communityIds.length > list.communityIds ||
    communityIds.some((id) => !Number.isSafeInteger(id) || id <= 0)
  ) {
    check.add(
      "principal.community_ids",
      `at most ${list.communityIds} community ids, each a positive integer`,
    );
  }
  check.throwIfAny("invalid API key request");
  return {
    name,
    principal: {
      userId,
      roles,
      communityIds,
      admin: input.principal.admin,
      canDispatch: input.principal.canDispatch === true,
    },
  };
}
