/**
 * A real gRPC client (@grpc/grpc-js over h2c or TLS) for protobuf-es descriptors, without
 * proto-loader: messages are serialised with toBinary/fromBinary, and errors expose the
 * ErrorInfo carried in `grpc-status-details-bin` (a google.rpc.Status, decoded by hand).
 */
import {
  create,
  type DescMessage,
  type DescMethodServerStreaming,
  type DescMethodUnary,
  fromBinary,
  type MessageInitShape,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { AnySchema } from "@bufbuild/protobuf/wkt";
import * as grpc from "@grpc/grpc-js";
import {
  type ErrorInfo,
  ErrorInfoSchema,
} from "../../../src/gen/waddlebot/workflow/v1/errors_pb.js";

export class GrpcJsClient {
  private readonly client: grpc.Client;

  constructor(
    address: string,
    credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
    options: grpc.ChannelOptions = {},
  ) {
    this.client = new grpc.Client(address, credentials, options);
  }

  unary<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    input: MessageInitShape<I>,
    apiKey?: string,
  ): Promise<MessageShape<O>> {
    return this.call(
      pathOf(method),
      (value: MessageShape<I>) => Buffer.from(toBinary(method.input, value)),
      (bytes: Buffer) => fromBinary(method.output, bytes),
      create(method.input, input),
      apiKey,
    );
  }

  /** Sends `body` as the serialised request (garbage, oversize or unknown methods). */
  raw(path: string, body: Uint8Array, apiKey?: string, deadlineMs = 20_000): Promise<Uint8Array> {
    return this.call(
      path,
      (value: Uint8Array) => Buffer.from(value),
      (bytes: Buffer) => new Uint8Array(bytes),
      body,
      apiKey,
      deadlineMs,
    );
  }

  serverStream<I extends DescMessage, O extends DescMessage>(
    method: DescMethodServerStreaming<I, O>,
    input: MessageInitShape<I>,
    apiKey?: string,
  ): grpc.ClientReadableStream<MessageShape<O>> {
    return this.client.makeServerStreamRequest(
      pathOf(method),
      (value: MessageShape<I>) => Buffer.from(toBinary(method.input, value)),
      (bytes: Buffer) => fromBinary(method.output, bytes),
      create(method.input, input),
      metadataWith(apiKey),
    );
  }

  close(): void {
    this.client.close();
  }

  private call<T, R>(
    path: string,
    serialize: (value: T) => Buffer,
    deserialize: (bytes: Buffer) => R,
    argument: T,
    apiKey: string | undefined,
    deadlineMs = 20_000,
  ): Promise<R> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        path,
        serialize,
        deserialize,
        argument,
        metadataWith(apiKey),
        { deadline: Date.now() + deadlineMs },
        (error, value) => {
          if (error !== null) reject(error);
          else if (value === undefined) reject(new Error("no response message"));
          else resolve(value);
        },
      );
    });
  }
}

function pathOf(method: { parent: { typeName: string }; name: string }): string {
  return `/${method.parent.typeName}/${method.name}`;
}

function metadataWith(apiKey: string | undefined): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (apiKey !== undefined) metadata.set("x-api-key", apiKey);
  return metadata;
}

export function isServiceError(value: unknown): value is grpc.ServiceError {
  return value instanceof Error && "code" in value && "metadata" in value;
}

/** The ErrorInfo among the google.rpc.Status details of a grpc-js error, if any. */
export function errorInfoOf(error: grpc.ServiceError): ErrorInfo | undefined {
  const [bin] = error.metadata.get("grpc-status-details-bin");
  if (bin === undefined || typeof bin === "string") return undefined;
  // google.rpc.Status: 1 code (int32), 2 message (string), 3 details (repeated Any).
  const reader = new BinaryReader(bin);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 3 && wireType === WireType.LengthDelimited) {
      const any = fromBinary(AnySchema, reader.bytes());
      if (any.typeUrl.endsWith(`/${ErrorInfoSchema.typeName}`)) {
        return fromBinary(ErrorInfoSchema, any.value);
      }
    } else {
      reader.skip(wireType);
    }
  }
  return undefined;
}

export { grpc };
