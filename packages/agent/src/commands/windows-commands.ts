/**
 * Windows-only commands; not_supported elsewhere ("reg is not supported on linux"). Implemented
 * with reg.exe and net.exe; not exercised by the Linux test suite. Result `data` shapes:
 *   reg query   { key, values: [{ name, type, data }], subkeys: string[] }   (name '(Default)' for the default value)
 *   reg create  { action, key }                       creates the key (and missing parents); an existing key is left as it is
 *   reg set     { action, key, value, type, data }    value '' = the default value; type defaults to REG_SZ
 *   reg delete  { action, key, value: string|null }   without value the whole key is deleted
 *   reg load    { action, key, file }                 `data` names the hive file (relative to cwd)
 *   reg unload  { action, key }
 *   map         { drive, path }                        drive as `X:`
 *   unmap       { drive }
 */
import { optionalString, requireOneOf, requireString } from './args.ts';
import type { Handler } from './context.ts';
import { invalidArgument, notSupported } from './errors.ts';
import { runTool } from './exec.ts';
import { resolveIn } from './paths.ts';

export const reg: Handler<'reg'> = async (args, ctx) => {
  if (ctx.platform !== 'windows') throw notSupported('reg', ctx.platform);
  const action = requireOneOf(args, 'action', ['query', 'create', 'set', 'delete', 'load', 'unload'] as const);
  const key = requireString(args, 'key');
  const value = optionalString(args, 'value');
  const valueArgs = value === undefined ? [] : ['/v', value];
  switch (action) {
    case 'query':
      return { data: parseRegQuery(await runTool('reg', ['query', key, ...valueArgs], ctx), key) };
    case 'create':
      await runTool('reg', ['add', key, '/f'], ctx);
      return { data: { action, key } };
    case 'set': {
      const type = optionalString(args, 'type') ?? 'REG_SZ';
      const data = typeof args.data === 'string' ? args.data : '';
      await runTool('reg', ['add', key, ...(value === undefined ? ['/ve'] : valueArgs), '/t', type, '/d', data, '/f'], ctx);
      return { data: { action, key, value: value ?? '', type, data } };
    }
    case 'delete':
      await runTool('reg', ['delete', key, ...valueArgs, '/f'], ctx);
      return { data: { action, key, value: value ?? null } };
    case 'load': {
      const file = resolveIn(ctx.cwd, requireString(args, 'data'));
      await runTool('reg', ['load', key, file], ctx);
      return { data: { action, key, file } };
    }
    case 'unload':
      await runTool('reg', ['unload', key], ctx);
      return { data: { action, key } };
  }
};

export const map: Handler<'map'> = async (args, ctx) => {
  if (ctx.platform !== 'windows') throw notSupported('map', ctx.platform);
  const drive = driveLetter(requireString(args, 'drive'));
  const target = requireString(args, 'path');
  await runTool('net', ['use', drive, target], ctx);
  return { data: { drive, path: target } };
};

export const unmap: Handler<'unmap'> = async (args, ctx) => {
  if (ctx.platform !== 'windows') throw notSupported('unmap', ctx.platform);
  const drive = driveLetter(requireString(args, 'drive'));
  await runTool('net', ['use', drive, '/delete', '/y'], ctx);
  return { data: { drive } };
};

function driveLetter(raw: string): string {
  if (!/^[A-Za-z]:?$/.test(raw)) throw invalidArgument('drive must be a drive letter such as Z:');
  return `${raw[0].toUpperCase()}:`;
}

/**
 * reg.exe query output: the key itself on an unindented line, its values indented by four spaces
 * as `name    TYPE    data`, then one unindented line per subkey.
 */
export function parseRegQuery(out: string, key: string) {
  const values: { name: string; type: string; data: string }[] = [];
  const subkeys: string[] = [];
  let first = true;
  for (const line of out.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const m = /^ {4}(.*?) {4}(REG_\w+)(?: {4}(.*))?$/.exec(line);
    if (m) values.push({ name: m[1], type: m[2], data: m[3] ?? '' });
    else if (!line.startsWith(' ')) {
      if (!first) subkeys.push(line.trim());
      first = false;
    }
  }
  return { key, values, subkeys };
}
