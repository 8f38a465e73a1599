// Readers for command arguments. The contract names the keys, but values arrive off the wire, so
// each reader checks the type and throws invalid_argument naming the key.

import { invalidArgument } from './errors.ts';

export type Args = Readonly<Record<string, unknown>>;

export function str(args: Args, key: string): string {
  const v = args[key];
  if (typeof v !== 'string' || v === '') throw invalidArgument(`${key} is required (non-empty string)`);
  if (v.includes('\0')) throw invalidArgument(`${key} must not contain NUL characters`);
  return v;
}

export function optStr(args: Args, key: string): string | undefined {
  return args[key] === undefined || args[key] === null ? undefined : str(args, key);
}

/** Like optStr, but '' is a value (a registry key's default value is named ''). */
export function optStrOrEmpty(args: Args, key: string): string | undefined {
  return args[key] === '' ? '' : optStr(args, key);
}

export function optBool(args: Args, key: string, fallback = false): boolean {
  const v = args[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw invalidArgument(`${key} must be a boolean`);
  return v;
}

export function int(args: Args, key: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = args[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw invalidArgument(`${key} must be an integer between ${min} and ${max}`);
  }
  return v;
}

export function optInt(args: Args, key: string, min: number, max?: number): number | undefined {
  return args[key] === undefined || args[key] === null ? undefined : int(args, key, min, max);
}

export function strArray(args: Args, key: string): string[] {
  const v = args[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && !s.includes('\0'))) {
    throw invalidArgument(`${key} must be an array of strings`);
  }
  return v;
}

export function oneOf<V extends string>(args: Args, key: string, values: readonly V[]): V {
  const v = args[key];
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
    throw invalidArgument(`${key} must be one of: ${values.join(', ')}`);
  }
  return v as V;
}
