// reg, map and unmap: Windows only (the real agent's commands/windows-commands.ts).

import { optionalString, optionalStringOrEmpty, requireOneOf, requireString, CommandError, invalidArgument } from '../../commands/index.ts';
import { requireWindows, type Handler } from './call.ts';

export const reg: Handler = (c) => {
  requireWindows(c, 'reg');
  const action = requireOneOf(c.args, 'action', ['query', 'create', 'set', 'delete', 'load', 'unload'] as const);
  const registry = c.host.registry;
  const key = registry.normalise(c.args.key);
  const value = optionalStringOrEmpty(c.args, 'value');
  switch (action) {
    case 'query': {
      const found = registry.query(key, value);
      return { ...found, values: found.values.map((v) => ({ ...v })) };
    }
    case 'create':
      return { action, key: registry.create(key).key };
    case 'set': {
      const set = registry.set(key, value, optionalString(c.args, 'type'), typeof c.args.data === 'string' ? c.args.data : '');
      return { action, key: set.key, value: value ?? '', type: set.value.type, data: set.value.data };
    }
    case 'delete':
      return { action, key: registry.delete(key, value).key, value: value ?? null };
    case 'load': {
      const file = c.host.fs.requireFile(c.host.fs.resolve(c.cwd, requireString(c.args, 'data'), 'data'));
      return { action, key: registry.load(key, file.path).key, file: file.path };
    }
    case 'unload':
      return { action, key: registry.unload(key).key };
  }
};

export const map: Handler = (c) => {
  requireWindows(c, 'map');
  const drive = driveLetter(requireString(c.args, 'drive'));
  const share = requireString(c.args, 'path');
  if (!/^\\\\[^\\]+\\[^\\]+/.test(share)) throw invalidArgument('path must be a network share such as \\\\server\\share');
  if (drive === 'C:' || c.host.mappedDrives?.has(drive)) throw new CommandError('already_exists', `${drive}: the local device name is already in use`);
  (c.host.mappedDrives ??= new Map()).set(drive, share);
  c.host.fs.addRoot(`${drive}\\`);
  return { drive, path: share };
};

export const unmap: Handler = (c) => {
  requireWindows(c, 'unmap');
  const drive = driveLetter(requireString(c.args, 'drive'));
  const share = c.host.mappedDrives?.get(drive);
  if (share === undefined) throw new CommandError('not_found', `${drive}: the network connection could not be found`);
  c.host.mappedDrives!.delete(drive);
  c.host.fs.removeRoot(`${drive}\\`);
  return { drive, path: share };
};

function driveLetter(raw: string): string {
  if (!/^[A-Za-z]:?$/.test(raw)) throw invalidArgument('drive must be a drive letter such as Z:');
  return `${raw[0].toUpperCase()}:`;
}
