/**
 * Hostile values, with fast-check: strings with NUL, lone surrogates, LIKE wildcards, template
 * and SQL text, huge lengths; numbers past every bound (1e400, 2^64, NaN as text); JSON nested
 * past every limit; message-shaped JSON built from protobuf descriptors, each field sometimes of
 * the wrong type.
 */
import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import fc from "fast-check";
import { type FuzzJson, nestedText, Raw } from "./json-text.js";

/** Ids the service knows (created before the run), so requests reach past "not found". */
export interface IdPool {
  ids: string[];
}

const long = (n: number) => "x".repeat(n);

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 16 }) },
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "a\u0000b",
    "\ud800",
    "x\udfffy",
    "%_\\%",
    "'; drop table workflows; --",
    "{{ vars.x + vars.x }}",
    "../../etc/passwd",
    "🦆".repeat(70),
    long(129),
    long(201),
    long(257),
    long(1_001),
    long(5_001),
    long(70_000),
  ),
  fc.string({ unit: "binary", maxLength: 24 }),
);

const hugeNumbers = [
  "1e400",
  "-1e400",
  `1${"0".repeat(400)}`,
  "18446744073709551616",
  "-9223372036854775809",
  "9223372036854775807",
  "123456789012345678901234567890",
  "1e-400",
  "-0",
  "NaN",
  "Infinity",
  "0x10",
  "1.5e3000",
].map((text) => new Raw(text));

export const nastyNumber: fc.Arbitrary<FuzzJson> = fc.oneof(
  fc.constantFrom(0, -1, 1, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 32, 2 ** 53 + 2, 1.5, 1e21),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(...hugeNumbers),
);

/** Nesting depths around every limit (32, the REST 36, about 98 in Connect) and far past. */
export const deepValue: fc.Arbitrary<FuzzJson> = fc
  .tuple(fc.constantFrom(31, 32, 33, 37, 99, 101, 1_000, 5_000, 60_000), fc.boolean())
  .map(([depth, array]) => new Raw(nestedText(depth, array ? "array" : "object")));

const leaf: fc.Arbitrary<FuzzJson> = fc.oneof(
  nastyString,
  nastyNumber,
  fc.boolean(),
  fc.constant(null),
);

export const nastyJson: fc.Arbitrary<FuzzJson> = fc.letrec<{ value: FuzzJson }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 5, arbitrary: leaf },
    { weight: 1, arbitrary: deepValue },
    { weight: 2, arbitrary: fc.array(tie("value"), { maxLength: 4 }) },
    { weight: 2, arbitrary: fc.dictionary(nastyString, tie("value"), { maxKeys: 4 }) },
  ),
})).value;

export const nastyObject: fc.Arbitrary<FuzzJson> = fc.oneof(
  fc.dictionary(nastyString, nastyJson, { maxKeys: 5 }),
  fc.constant({ a: new Raw("1e400") }),
  deepValue.map((deep) => ({ nested: deep })),
);

/** JSON for a message of `desc`: a random subset of its fields, some of the wrong type. */
export function messageJson(desc: DescMessage, pool: IdPool, depth = 3): fc.Arbitrary<FuzzJson> {
  const wkt = wellKnown(desc);
  if (wkt !== null) return wkt;
  if (desc.fields.length === 0) return fc.constant({});
  const entries = desc.fields.map((field) =>
    fc.option(
      fc.tuple(
        fc.constantFrom(field.jsonName, field.name),
        fc.oneof(
          { weight: 6, arbitrary: fieldJson(field, pool, depth) },
          { weight: 1, arbitrary: nastyJson },
        ),
      ),
      { freq: 2 },
    ),
  );
  return fc.tuple(...entries).map((chosen) => {
    const out: Record<string, FuzzJson> = {};
    for (const entry of chosen) if (entry !== null) out[entry[0]] = entry[1];
    return out;
  });
}

function wellKnown(desc: DescMessage): fc.Arbitrary<FuzzJson> | null {
  switch (desc.typeName) {
    case "google.protobuf.Struct":
      return nastyObject;
    case "google.protobuf.Value":
      return nastyJson;
    case "google.protobuf.ListValue":
      return fc.array(nastyJson, { maxLength: 4 });
    case "google.protobuf.Timestamp":
      return fc.oneof(
        fc.constantFrom(
          "2026-01-01T00:00:00Z",
          "0001-01-01T00:00:00Z",
          "9999-12-31T23:59:59.999999999Z",
          "10000-01-01T00:00:00Z",
          "2026-13-45T99:99:99Z",
          "yesterday",
        ),
        nastyString,
      );
    default:
      return null;
  }
}

function fieldJson(field: DescField, pool: IdPool, depth: number): fc.Arbitrary<FuzzJson> {
  switch (field.fieldKind) {
    case "scalar":
      return scalarJson(field.scalar, field.name, pool);
    case "enum":
      return enumJson(field.enum.values.map((v) => v.name));
    case "message":
      return depth > 0 ? messageJson(field.message, pool, depth - 1) : fc.constant({});
    case "list": {
      const element =
        field.listKind === "scalar"
          ? scalarJson(field.scalar, field.name, pool)
          : field.listKind === "enum"
            ? enumJson(field.enum.values.map((v) => v.name))
            : depth > 0
              ? messageJson(field.message, pool, depth - 1)
              : fc.constant({});
      return fc.array(element, { maxLength: 4 });
    }
    case "map": {
      const value =
        field.mapKind === "scalar"
          ? scalarJson(field.scalar, field.name, pool)
          : field.mapKind === "enum"
            ? enumJson(field.enum.values.map((v) => v.name))
            : depth > 0
              ? messageJson(field.message, pool, depth - 1)
              : fc.constant({});
      return fc.dictionary(nastyString, value, { maxKeys: 4 });
    }
  }
}

function enumJson(names: string[]): fc.Arbitrary<FuzzJson> {
  return fc.oneof(fc.constantFrom(...names), fc.integer({ min: -3, max: 40 }), nastyString);
}

function scalarJson(type: ScalarType, name: string, pool: IdPool): fc.Arbitrary<FuzzJson> {
  switch (type) {
    case ScalarType.STRING:
      return name.endsWith("id") && pool.ids.length > 0
        ? fc.oneof(fc.constantFrom(...pool.ids), nastyString)
        : nastyString;
    case ScalarType.BOOL:
      return fc.oneof({ weight: 4, arbitrary: fc.boolean() }, fc.constantFrom("true", 1, "yes"));
    case ScalarType.BYTES:
      return fc.oneof(fc.base64String({ maxLength: 16 }), nastyString);
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(1, 0, 2) },
        nastyNumber,
        fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((n) => String(n)),
      );
    default:
      return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(1, 0, 10) }, nastyNumber);
  }
}
