import { describe, expect, it } from 'vitest';
import { OsExecutor } from './os-executor.ts';
import { runner, tempDir } from './test-support.ts';
import { COMMAND_NAMES, type CommandRequest } from './types.ts';

const dir = tempDir();
const r = runner(dir);

describe('OsExecutor', () => {
  it('reports the host platform', () => {
    expect(r.executor.platform).toBe('linux');
  });

  it('rejects unknown commands and malformed requests without throwing', async () => {
    expect(await r.fails('format-disk', 'invalid_argument')).toContain('format-disk');
    expect(await r.fails('__proto__', 'invalid_argument')).toContain('unknown command');
    await r.fails('ls', 'invalid_argument', ['not', 'an', 'object']);
    await r.fails('ls', 'invalid_argument', 'path');
    await r.fails('ls', 'invalid_argument', {}, { cwd: 'relative/dir' });
    const weird = await r.executor.execute({ id: 'x' } as unknown as CommandRequest, { transfers: {} as never, signal: new AbortController().signal });
    expect(weird).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    expect((await r.run('ls', {}, { timeoutMs: -5 })).ok).toBe(false);
  });

  it('treats missing args as empty and normalises cwd', async () => {
    const res = await r.executor.execute(
      { id: 'y', name: 'pwd', args: undefined as never, cwd: `${dir}/./a/..`, timeout_ms: 1000 },
      { transfers: {} as never, signal: new AbortController().signal },
    );
    expect(res).toEqual({ ok: true, data: { cwd: dir }, cwd: dir });
  });

  it('returns a result for every command name, even with no arguments', async () => {
    const withoutArgs = new Set(['pwd', 'ps', 'netstat', 'ipconfig', 'env', 'getsid', 'mount', 'ls']);
    for (const name of COMMAND_NAMES) {
      if (name === 'restart' || name === 'shutdown') continue; // covered below; never run them here
      const res = await r.run(name, {});
      if (withoutArgs.has(name)) expect(res.ok, `${name}: ${JSON.stringify(res)}`).toBe(true);
      else expect(res.ok === false && ['invalid_argument', 'not_supported'].includes(res.error.code), `${name}: ${JSON.stringify(res)}`).toBe(true);
    }
  });

  it('says which Windows-only commands are unsupported here, naming the platform', async () => {
    expect(await r.fails('reg', 'not_supported', { action: 'query', key: 'HKLM\\Software' })).toBe('reg is not supported on linux');
    expect(await r.fails('map', 'not_supported', { path: '\\\\srv\\share', drive: 'Z:' })).toBe('map is not supported on linux');
    expect(await r.fails('unmap', 'not_supported', { drive: 'Z:' })).toBe('unmap is not supported on linux');
  });

  it('refuses restart and shutdown unless power control is allowed', async () => {
    expect(await r.fails('restart', 'permission_denied')).toBe('restart is disabled on this agent (start it with --allow-power to permit it)');
    expect(await r.fails('shutdown', 'permission_denied')).toContain('--allow-power');
  });

  it('stops a command at the request time limit with a timeout error', async () => {
    const started = Date.now();
    const res = await r.run('filehash', { path: '/dev/zero' }, { timeoutMs: 300 }); // an endless stream
    expect(res).toMatchObject({ ok: false, error: { code: 'timeout', message: 'filehash timed out after 300 ms' }, cwd: dir });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('honours cancellation', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const res = await r.run('run', { executable: 'sleep', args: ['30'] }, { signal: controller.signal });
    expect(res).toMatchObject({ ok: false, error: { code: 'failed', message: 'command was cancelled' } });
    expect(Date.now() - started).toBeLessThan(3000);
    const aborted = AbortSignal.abort();
    expect(await r.run('zip', { source: '.', destination: 'x.zip' }, { signal: aborted })).toMatchObject({ ok: false, error: { message: 'command was cancelled' } });
  });

  it('uses its defaults without options', () => {
    expect(() => new OsExecutor({ agentVersion: '1' })).not.toThrow();
  });
});
