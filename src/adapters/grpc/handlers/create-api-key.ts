import type { ServiceImpl } from "@connectrpc/connect";
import type { ApiKeyService } from "../../../gen/waddlebot/workflow/v1/api_key_service_pb.js";
import { principalOf } from "../context-keys.js";
import { apiKeyToProto } from "../mappers/api-key-to-proto.js";
import { toSafeNumber } from "../mappers/proto-scalars.js";
import type { UseCases } from "../use-cases.js";

export function createApiKey(
  useCases: Pick<UseCases, "createApiKey">,
): Pick<ServiceImpl<typeof ApiKeyService>, "createApiKey"> {
  return {
    async createApiKey(req, ctx) {
      const { record, secret } = await useCases.createApiKey.execute(principalOf(ctx), {
        name: req.name,
        principal: {
          userId: req.principal?.userId ?? "",
          roles: req.principal?.roles ?? [],
          communityIds: (req.principal?.communityIds ?? []).map((id) =>
            toSafeNumber(id, "principal.community_ids"),
          ),
          admin: req.principal?.admin ?? false,
          canDispatch: req.principal?.canDispatch ?? false,
        },
      });
      return { apiKey: apiKeyToProto(record), secret };
    },
  };
}
