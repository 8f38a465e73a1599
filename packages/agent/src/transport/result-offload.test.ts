import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_MESSAGE_MAX_CHARS, RESULT_BLOB_MAX_BYTES, RESULT_INLINE_MAX_BYTES } from '@riposte/spec';
import type { CommandResult, FileTransfers } from '../commands/types.ts';
import { ResultOffload, boundResult, cutMessage, tooLargeInline } from './result-offload.ts';

describe('bounds on what goes inline', () => {
  it('cuts a long error message with a marker saying how much was cut', () => {
    expect(cutMessage('short')).toBe('short');
    const long = 'x'.repeat(ERROR_MESSAGE_MAX_CHARS + 1234);
    expect(cutMessage(long)).toBe(`${'x'.repeat(ERROR_MESSAGE_MAX_CHARS)} … [1234 more characters cut by the agent]`);
    const failure: CommandResult = { ok: false, error: { code: 'failed', message: long }, cwd: '/' };
    expect(boundResult(failure)).toEqual({ ok: false, error: { code: 'failed', message: cutMessage(long) }, cwd: '/' });
    const success: CommandResult = { ok: true, data: { stdout: long }, cwd: '/' };
    expect(boundResult(success)).toBe(success);
  });

  it('measures frames in UTF-8 bytes', () => {
    expect(tooLargeInline('a'.repeat(RESULT_INLINE_MAX_BYTES))).toBe(false);
    expect(tooLargeInline('a'.repeat(RESULT_INLINE_MAX_BYTES + 1))).toBe(true);
    // Half as many characters, each of three bytes.
    expect(tooLargeInline('€'.repeat(RESULT_INLINE_MAX_BYTES / 2))).toBe(true);
  });
});

describe('ResultOffload', () => {
  function setup(upload: FileTransfers['upload'], connected = true) {
    const spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-offload-'));
    const frames: any[] = [];
    const tokens = new Map<string, string>();
    const undeliverable: [string, CommandResult][] = [];
    const offload = new ResultOffload({
      transfers: { upload, download: () => Promise.reject(new Error('unused')) },
      setToken: (id, token) => tokens.set(id, token),
      send: (frame) => frames.push(JSON.parse(frame)),
      connected: () => connected,
      undeliverable: (id, r) => undeliverable.push([id, r]),
      log: () => {},
      spoolDir,
    });
    return { offload, frames, tokens, undeliverable, spoolDir };
  }
  const settle = () => new Promise((r) => setTimeout(r, 20));

  it('asks for a token, uploads the spooled JSON, sends the reference and removes the spool file', async () => {
    const uploaded: string[] = [];
    const s = setup(async (file, id) => {
      uploaded.push(fs.readFileSync(file, 'utf8'));
      expect(s.tokens.get(id)).toBe('tok');
      return { sha256: 'a'.repeat(64), size: fs.statSync(file).size };
    });
    const json = JSON.stringify({ ok: true, data: { big: 'x'.repeat(100) }, cwd: '/' });
    expect(s.offload.offer('c1', json)).toBe(true);
    expect(s.offload.offer('c1', json)).toBe(true); // a second send (welcome) while on its way: nothing new
    expect(s.frames).toEqual([{ t: 'result_upload', id: 'c1', size: json.length }]);
    s.offload.granted('c1', 'tok');
    await settle();
    expect(uploaded).toEqual([json]);
    expect(s.frames[1]).toEqual({ t: 'result', id: 'c1', result_blob: { sha256: 'a'.repeat(64), size: json.length } });
    expect(fs.readdirSync(s.spoolDir)).toEqual([]);
  });

  it('refuses to offer more than the server accepts at all', () => {
    const s = setup(() => Promise.reject(new Error('unused')));
    expect(s.offload.offer('c2', 'x'.repeat(RESULT_BLOB_MAX_BYTES + 1))).toBe(false);
    expect(s.frames).toEqual([]);
  });

  it('reports an upload the server refuses as the command failing, once', async () => {
    const s = setup(() => Promise.reject(new Error('upload of x failed: server answered 413')));
    s.offload.offer('c3', '{"ok":true,"data":{},"cwd":"/"}');
    s.offload.granted('c3', 'tok');
    await settle();
    expect(s.undeliverable).toHaveLength(1);
    expect(s.undeliverable[0][1]).toMatchObject({ ok: false, error: { code: 'transfer_failed', message: expect.stringMatching(/could not be uploaded: .*413/) } });
    expect(fs.readdirSync(s.spoolDir)).toEqual([]);
  });

  it('keeps the result for the next connection when the upload failed while offline', async () => {
    const s = setup(() => Promise.reject(new Error('connect ECONNREFUSED')), false);
    s.offload.offer('c4', '{"ok":true,"data":{},"cwd":"/"}');
    s.offload.granted('c4', 'tok');
    await settle();
    expect(s.undeliverable).toEqual([]);
    // The journal still holds it; the next welcome offers it again and asks for a new token.
    expect(s.offload.offer('c4', '{"ok":true,"data":{},"cwd":"/"}')).toBe(true);
    expect(s.frames.filter((f) => f.t === 'result_upload')).toHaveLength(2);
  });

  it('forgets requests whose token will never come when the socket closes, and ignores stray grants', async () => {
    let uploads = 0;
    const s = setup(async () => {
      uploads++;
      return { sha256: 'b'.repeat(64), size: 2 };
    });
    s.offload.offer('c5', '{}');
    s.offload.disconnected();
    expect(fs.readdirSync(s.spoolDir)).toEqual([]);
    s.offload.granted('c5', 'late');
    s.offload.granted('never-asked', 'tok');
    await settle();
    expect(uploads).toBe(0);
  });
});
