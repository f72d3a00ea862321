/**
 * @file Parsing and checking of CLI flag values, shared by the commands.
 */
import { InputError } from "../../errors.js";

/** Parses an integer flag within bounds, or throws an InputError naming the flag. */
export function parseIntFlag(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new InputError(`${flag} must be an integer from ${min} to ${max}, got "${value}"`, { field: flag });
  }
  return n;
}

/** Splits a comma-separated list flag, rejecting empty entries. */
export function parseListFlag(flag: string, value: string): string[] {
  const items = value.split(",").map((s) => s.trim());
  if (items.length === 0 || items.some((s) => s.length === 0)) {
    throw new InputError(`${flag} must be a comma-separated list without empty entries, got "${value}"`, { field: flag });
  }
  return items;
}
