import { create } from "@bufbuild/protobuf";
import {
  type ApiKey,
  ApiKeySchema,
  PrincipalSchema,
} from "../../../gen/waddlebot/workflow/v1/api_key_service_pb.js";
import type { ApiKeyRecord } from "../../../ports/api-key-repository.js";
import { toTimestamp } from "./proto-scalars.js";

/** The key without its hash: secrets and digests never leave the service. */
export function apiKeyToProto(record: ApiKeyRecord): ApiKey {
  return create(ApiKeySchema, {
    keyId: record.keyId,
    name: record.name,
    principal: create(PrincipalSchema, {
      userId: record.principal.userId,
      roles: record.principal.roles,
      communityIds: record.principal.communityIds.map((id) => BigInt(id)),
      admin: record.principal.admin,
      canDispatch: record.principal.canDispatch === true,
    }),
    createdAt: toTimestamp(record.createdAt),
    revokedAt: toTimestamp(record.revokedAt),
    createdBy: record.createdBy,
  });
}
