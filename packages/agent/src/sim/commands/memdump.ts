// memdump and xmemdump: dumps generated from the host's profile (the real agent's commands/memdump.ts).

import { optionalString, requirePid, CommandError, notSupported } from '../../commands/index.ts';
import { digests } from '../content.ts';
import { fullMemoryDump, processDump } from '../memory-dumps.ts';
import { fileTimestamp, outputPath, type Handler } from './call.ts';

export const memdump: Handler = (c) => {
  if (c.platform === 'mac') throw notSupported('memdump', c.platform);
  const pid = requirePid(c.args, 'pid');
  const proc = c.host.processes.get(pid);
  if (!proc) throw new CommandError('not_found', `process ${pid} not found`);
  const destination = optionalString(c.args, 'destination');
  const path = destination ? c.host.fs.resolve(c.cwd, destination, 'destination') : outputPath(c, `memdump-${pid}-${fileTimestamp()}.dmp`);
  const { content, regions } = processDump(c.host.profile, proc, new Date().toISOString());
  const written = c.host.fs.writeFile(path, content, false);
  return { pid, path: written.path, size: content.size, regions, sha256: digests(content).sha256 };
};

export const xmemdump: Handler = (c) => {
  if (c.platform !== 'windows') throw new CommandError('not_supported', `xmemdump (full system memory dump) is not supported on ${c.platform}`);
  const destination = optionalString(c.args, 'destination');
  const path = destination ? c.host.fs.resolve(c.cwd, destination, 'destination') : outputPath(c, `xmemdump-${fileTimestamp()}.dmp`);
  const content = fullMemoryDump(c.host.profile, new Date().toISOString());
  const written = c.host.fs.writeFile(path, content, false);
  return { path: written.path, size: content.size };
};
