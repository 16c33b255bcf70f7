import { type CelList, type CelValue, isCelList, isCelMap } from "@bufbuild/cel";
import { type CostMeter, READ_CHARS_PER_UNIT } from "./cost-meter.js";

/** Equality of two values that are neither lists nor maps: the library's own. */
export type ScalarEquals = (lhs: CelValue, rhs: CelValue) => boolean;

/**
 * CEL equality (`==`, `!=`, `in`) with the library's semantics but metered all the way
 * down: the library compares nested lists, maps, strings and bytes without charging, so a
 * list holding the same large list or string many times (cheap to build by aliasing in a
 * comprehension) compared at the top level only cost its top-level size. Here every element
 * pair and map entry compared costs a unit, and every string or bytes pair its length.
 */
export function meteredEquals(meter: CostMeter, scalarEquals: ScalarEquals) {
  const equals = (lhs: CelValue, rhs: CelValue): boolean => {
    if (typeof lhs === "string" && typeof rhs === "string") {
      meter.charge(1 + Math.floor(Math.min(lhs.length, rhs.length) / READ_CHARS_PER_UNIT));
      return lhs === rhs;
    }
    if (lhs === rhs) return true;
    if (lhs instanceof Uint8Array && rhs instanceof Uint8Array) {
      meter.charge(1 + Math.floor(Math.min(lhs.length, rhs.length) / READ_CHARS_PER_UNIT));
      return scalarEquals(lhs, rhs);
    }
    if (isCelList(lhs)) {
      if (!isCelList(rhs) || lhs.size !== rhs.size) return false;
      for (let i = 0; i < lhs.size; i++) {
        meter.charge(1);
        if (!equals(lhs.get(i) as CelValue, rhs.get(i) as CelValue)) return false;
      }
      return true;
    }
    if (isCelMap(lhs)) {
      if (!isCelMap(rhs) || lhs.size !== rhs.size) return false;
      for (const [key, value] of lhs.entries()) {
        meter.charge(1);
        const other = rhs.get(key);
        if (other === undefined || !equals(value, other)) return false;
      }
      return true;
    }
    return scalarEquals(lhs, rhs);
  };
  /** `value in list`: the library compares each element with the value, in order. */
  const inList = (value: CelValue, list: CelList): boolean => {
    for (const element of list) {
      meter.charge(1);
      if (equals(element, value)) return true;
    }
    return false;
  };
  return { equals, inList };
}
