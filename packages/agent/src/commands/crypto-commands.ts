/**
 * File hashing and encryption, both streamed. Result `data` shapes:
 *   filehash  { path, size, md5, sha256 }                (lowercase hex)
 *   encrypt   { path, output_path, algorithm: 'aes-256-cbc', key, iv, size }
 *     Writes `<path>.encrypted` (never overwriting) and leaves the original alone. The output is the
 *     16-byte IV followed by the AES-256-CBC ciphertext (PKCS#7 padding), so it decrypts with
 *     `tail -c +17 f.encrypted | openssl enc -d -aes-256-cbc -K <key> -iv <iv>`.
 *     `key` (hex) is the key actually used: the given key if it is 64 hex digits, else SHA-256 of the
 *     given text; random when none is given. size is the output file's size.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { optionalString, requireString } from './args.ts';
import type { Handler } from './context.ts';
import { resolveIn } from './paths.ts';

export const filehash: Handler<'filehash'> = async (args, ctx) => {
  const target = resolveIn(ctx.cwd, requireString(args, 'path'));
  return { data: { path: target, ...(await hashFile(target, ctx.signal)) } };
};

export const encrypt: Handler<'encrypt'> = async (args, ctx) => {
  const source = resolveIn(ctx.cwd, requireString(args, 'path'));
  const given = optionalString(args, 'key');
  const key = given === undefined ? randomBytes(32)
    : /^[0-9a-f]{64}$/i.test(given) ? Buffer.from(given, 'hex')
    : createHash('sha256').update(given, 'utf8').digest();
  const iv = randomBytes(16);
  const output = `${source}.encrypted`;
  const input = createReadStream(source); // opened first so a missing source fails before we create output
  await new Promise<void>((resolve, reject) => input.once('open', () => resolve()).once('error', reject));
  try {
    await pipeline(
      input,
      createCipheriv('aes-256-cbc', key, iv),
      async function* (ciphertext) {
        yield iv;
        yield* ciphertext;
      },
      createWriteStream(output, { flags: 'wx', mode: 0o600 }),
      { signal: ctx.signal },
    );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') await fs.rm(output, { force: true });
    throw err;
  }
  const { size } = await fs.stat(output);
  return {
    data: { path: source, output_path: output, algorithm: 'aes-256-cbc', key: key.toString('hex'), iv: iv.toString('hex'), size },
  };
};

/** MD5 and SHA-256 of a file in one streamed pass. */
export async function hashFile(file: string, signal: AbortSignal): Promise<{ size: number; md5: string; sha256: string }> {
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  let size = 0;
  await pipeline(
    createReadStream(file),
    async function (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        md5.update(chunk);
        sha256.update(chunk);
        size += chunk.length;
      }
    },
    { signal },
  );
  return { size, md5: md5.digest('hex'), sha256: sha256.digest('hex') };
}
