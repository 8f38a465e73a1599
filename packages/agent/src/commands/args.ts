import type { WireArgs } from './context.ts';
import { invalidArgument } from './errors.ts';

// Validators for wire arguments. Each throws invalid_argument naming the key, so handlers can read
// `requireString(args, 'path')` and get a typed value or a clear error.

type Key<T> = keyof T & string;

export function requireString<T>(args: WireArgs<T>, key: Key<T>): string {
  const v = args[key];
  if (typeof v !== 'string' || v === '') throw invalidArgument(`${key} is required (non-empty string)`);
  if (v.includes('\0')) throw invalidArgument(`${key} must not contain NUL characters`);
  return v;
}

export function optionalString<T>(args: WireArgs<T>, key: Key<T>): string | undefined {
  return args[key] === undefined || args[key] === null ? undefined : requireString(args, key);
}

/** Like optionalString, but '' is a value (a registry key's default value is named ''). */
export function optionalStringOrEmpty<T>(args: WireArgs<T>, key: Key<T>): string | undefined {
  return args[key] === '' ? '' : optionalString(args, key);
}

export function optionalBoolean<T>(args: WireArgs<T>, key: Key<T>, fallback = false): boolean {
  const v = args[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw invalidArgument(`${key} must be a boolean`);
  return v;
}

export function requireInteger<T>(args: WireArgs<T>, key: Key<T>, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = args[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw invalidArgument(`${key} must be an integer between ${min} and ${max}`);
  }
  return v;
}

export function optionalInteger<T>(args: WireArgs<T>, key: Key<T>, min: number, max?: number): number | undefined {
  return args[key] === undefined || args[key] === null ? undefined : requireInteger(args, key, min, max);
}

/** Process ids: positive integers in the range every OS uses. */
export const requirePid = <T>(args: WireArgs<T>, key: Key<T>) => requireInteger(args, key, 1, 2 ** 31 - 1);

export function optionalStringArray<T>(args: WireArgs<T>, key: Key<T>): string[] {
  const v = args[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && !s.includes('\0'))) {
    throw invalidArgument(`${key} must be an array of strings`);
  }
  return v;
}

export function requireOneOf<T, V extends string>(args: WireArgs<T>, key: Key<T>, values: readonly V[]): V {
  const v = args[key];
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
    throw invalidArgument(`${key} must be one of: ${values.join(', ')}`);
  }
  return v as V;
}
