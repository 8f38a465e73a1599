// ls, cd, pwd, cat, cp, mv, rm, mkdir on the virtual disk (the real agent's commands/fs-commands.ts).

import { contentBytes, contentSize, isText } from '../content.ts';
import { optionalBoolean, optionalInteger, optionalString, requireString } from '../../commands/index.ts';
import type { Call, Data, Handler } from './call.ts';

/** The real executor's default. */
const CAT_MAX_BYTES = 1024 * 1024;

// The host's kept listing, frozen: answered as it is (see VirtualFs.listing).
export const ls: Handler = (c) => c.host.fs.listing(c.host.fs.resolve(c.cwd, optionalString(c.args, 'path') ?? '.'));

export const cd: Handler = (c) => {
  const dir = c.host.fs.requireDir(c.host.fs.resolve(c.cwd, requireString(c.args, 'path')));
  c.cwd = dir.path;
  return { cwd: dir.path };
};

export const pwd: Handler = (c) => ({ cwd: c.cwd });

export const cat: Handler = (c) => {
  const file = c.host.fs.requireFile(c.host.fs.resolve(c.cwd, requireString(c.args, 'path')));
  const cap = Math.min(optionalInteger(c.args, 'max_bytes', 1) ?? Infinity, CAT_MAX_BYTES);
  const size = contentSize(file.value.content);
  const truncated = size > cap;
  const bytes = contentBytes(file.value.content, cap);
  const textBytes = truncated ? bytes.subarray(0, utf8Boundary(bytes)) : bytes;
  const utf8 = isText(textBytes);
  return { path: file.path, size, truncated, encoding: utf8 ? 'utf8' : 'base64', content: utf8 ? textBytes.toString('utf8') : bytes.toString('base64') };
};

export const cp: Handler = (c) => transfer(c, false);
export const mv: Handler = (c) => transfer(c, true);

export const rm: Handler = (c) => {
  const target = c.host.fs.resolve(c.cwd, requireString(c.args, 'path'));
  const removed = c.host.fs.remove(target, optionalBoolean(c.args, 'recursive'), optionalBoolean(c.args, 'force'));
  return { path: removed ?? target };
};

export const mkdir: Handler = (c) => ({ path: c.host.fs.mkdir(c.host.fs.resolve(c.cwd, requireString(c.args, 'path')), optionalBoolean(c.args, 'parents')).path });

function transfer(c: Call, move: boolean): Data {
  const { fs } = c.host;
  return fs.transfer(fs.resolve(c.cwd, requireString(c.args, 'source'), 'source'), fs.resolve(c.cwd, requireString(c.args, 'destination'), 'destination'), move);
}

/** Length of `buf` without a trailing incomplete UTF-8 sequence (a cap can cut a character in half). */
function utf8Boundary(buf: Buffer): number {
  for (let back = 1; back <= Math.min(4, buf.length); back++) {
    const b = buf[buf.length - back];
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? buf.length - back : buf.length;
  }
  return buf.length;
}
