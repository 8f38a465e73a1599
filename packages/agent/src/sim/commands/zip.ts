// zip: a real archive of virtual files, written back to the virtual disk (the real agent's commands/zip.ts).

import { requireString } from '../../commands/args.ts';
import { contentBytes, contentSize } from '../content.ts';
import { fromStamp } from '../virtual-fs.ts';
import { buildZip } from '../zip-writer.ts';
import { MAX_VIRTUAL_FILE_BYTES, tooLarge, type Handler } from './call.ts';

export const zip: Handler = (c) => {
  const { fs } = c.host;
  const source = fs.require(fs.resolve(c.cwd, requireString(c.args, 'source'), 'source'));
  const destination = fs.resolve(c.cwd, requireString(c.args, 'destination'), 'destination');
  const base = fs.style.parent(source.path) ?? source.path;
  const member = (path: string) => path.slice(base.length).replace(/^[\\/]+/, '').split(fs.style.sep).join('/');
  const entries = source.value.kind === 'file' ? [source] : [source, ...fs.descendants(source.path)];
  if (entries.reduce((n, e) => n + (e.value.kind === 'file' ? contentSize(e.value.content) : 0), 0) >= MAX_VIRTUAL_FILE_BYTES) {
    throw tooLarge(source.path);
  }
  const members = entries.map((e) => e.value.kind === 'file'
    ? { name: member(e.path), data: contentBytes(e.value.content), mtime: fromStamp(e.value.mtime) }
    : { name: `${member(e.path)}/`, data: Buffer.alloc(0), mtime: fromStamp(e.value.mtime) });
  const archive = buildZip(members.filter((m) => m.name !== '/'));
  if (archive.length >= MAX_VIRTUAL_FILE_BYTES) throw tooLarge(destination);
  const written = fs.writeFile(destination, archive, false);
  const files = entries.filter((e) => e.value.kind === 'file').length;
  return { source: source.path, destination: written.path, size: archive.length, files, skipped: 0 };
};
