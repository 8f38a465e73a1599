// zip: a real archive of virtual files, written back to the virtual disk (the real agent's commands/zip.ts).

import { Readable } from 'node:stream';
import { requireString, ZipWriter } from '../../commands/index.ts';
import { contentBytes, contentSize } from '../content.ts';
import { fromStamp, type FsEntry } from '../virtual-fs.ts';
import { MAX_VIRTUAL_FILE_BYTES, tooLarge, type Handler } from './call.ts';

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

export const zip: Handler = async (c) => {
  const { fs } = c.host;
  const source = fs.require(fs.resolve(c.cwd, requireString(c.args, 'source'), 'source'));
  const destination = fs.resolve(c.cwd, requireString(c.args, 'destination'), 'destination');
  const base = fs.style.parent(source.path) ?? source.path;
  const member = (path: string) => path.slice(base.length).replace(/^[\\/]+/, '').split(fs.style.sep).join('/');
  const entries = source.value.kind === 'file' ? [source] : [source, ...fs.descendants(source.path)];
  if (entries.reduce((n, e) => n + (e.value.kind === 'file' ? contentSize(e.value.content) : 0), 0) >= MAX_VIRTUAL_FILE_BYTES) {
    throw tooLarge(source.path);
  }
  // The real agent's writer, into memory: the whole archive is small (capped above).
  const chunks: Buffer[] = [];
  const writer = new ZipWriter(async (bytes) => void chunks.push(bytes));
  for (const e of entries) {
    const mtime = new Date(fromStamp(e.value.mtime));
    if (e.value.kind === 'file') {
      await writer.addFile(member(e.path), mtime, S_IFREG | mode(e, 0o644), Readable.from([contentBytes(e.value.content)]), c.ctx.signal);
    } else if (member(e.path) !== '') {
      await writer.addDirectory(`${member(e.path)}/`, mtime, S_IFDIR | mode(e, 0o755));
    }
  }
  await writer.finish();
  const archive = Buffer.concat(chunks);
  if (archive.length >= MAX_VIRTUAL_FILE_BYTES) throw tooLarge(destination);
  const written = fs.writeFile(destination, archive, false);
  const files = entries.filter((e) => e.value.kind === 'file').length;
  return { source: source.path, destination: written.path, size: archive.length, files, skipped: 0 };
};

/** POSIX permission bits from the node's attributes; Windows attribute letters have none. */
function mode(e: FsEntry, fallback: number): number {
  return /^[0-7]{3,4}$/.test(e.value.attrs) ? parseInt(e.value.attrs, 8) & 0o7777 : fallback;
}
