// filehash and encrypt over virtual bytes (the real agent's commands/crypto-commands.ts).

import crypto from 'node:crypto';
import { optionalString, requireString } from '../../commands/index.ts';
import { contentBytes, contentSize, digests } from '../content.ts';
import { MAX_VIRTUAL_FILE_BYTES, tooLarge, type Handler } from './call.ts';

export const filehash: Handler = (c) => {
  const file = c.host.fs.requireFile(c.host.fs.resolve(c.cwd, requireString(c.args, 'path')));
  return { path: file.path, size: contentSize(file.value.content), ...digests(file.value.content) };
};

export const encrypt: Handler = (c) => {
  const { fs } = c.host;
  const source = fs.requireFile(fs.resolve(c.cwd, requireString(c.args, 'path')));
  if (contentSize(source.value.content) >= MAX_VIRTUAL_FILE_BYTES) throw tooLarge(source.path);
  const given = optionalString(c.args, 'key');
  const key = given === undefined ? crypto.randomBytes(32)
    : /^[0-9a-f]{64}$/i.test(given) ? Buffer.from(given, 'hex')
    : crypto.createHash('sha256').update(given, 'utf8').digest();
  const iv = crypto.randomBytes(16);
  const cipher = crypto.createCipheriv('aes-256-cbc', key, iv);
  // The real agent's layout: IV, then AES-256-CBC ciphertext, next to the original as .encrypted.
  const output = Buffer.concat([iv, cipher.update(contentBytes(source.value.content)), cipher.final()]);
  const written = fs.writeFile(`${source.path}.encrypted`, output, false);
  return { path: source.path, output_path: written.path, algorithm: 'aes-256-cbc', key: key.toString('hex'), iv: iv.toString('hex'), size: output.length };
};
