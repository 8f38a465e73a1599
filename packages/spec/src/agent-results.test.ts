import { describe, expect, it } from 'vitest';
import { jsonDeeperThan, MAX_FRAME_DEPTH, resultDataProblem } from './agent-results.ts';

describe('agent result schemas', () => {
  it('names the first field of a result that does not fit its command', () => {
    expect(resultDataProblem('get', { path: '/etc/hosts', name: 'hosts', size: 12, sha256: 'a'.repeat(64) })).toBeUndefined();
    expect(resultDataProblem('get', { path: '/etc/hosts', name: 'hosts', size: 'big', sha256: 'a'.repeat(64) })).toMatch(/^\/size: /);
    expect(resultDataProblem('get', { path: '/etc/hosts', name: 'hosts', size: 1.5, sha256: 'a'.repeat(64) })).toMatch(/^\/size: /);
    expect(resultDataProblem('get', { path: '/etc/hosts', name: 'hosts', size: 12, sha256: 'x' })).toMatch(/^\/sha256: /);
    expect(resultDataProblem('ls', { path: '/', entries: [{ name: 'a', path: '/a', type: 'file', size: -1, mode: '0644', mtime: '', atime: '', ctime: '', birthtime: '' }] })).toMatch(/^\/entries\/0\/size/);
    expect(resultDataProblem('cd', { cwd: 'x'.repeat(40_000) })).toMatch(/^\/cwd: /);
    expect(resultDataProblem('ps', { processes: 'many' })).toMatch(/^\/processes/);
  });

  it('lets through fields it does not know, and commands it does not know', () => {
    expect(resultDataProblem('pwd', { cwd: '/', blob: { sha256: 'a'.repeat(64) } })).toBeUndefined();
    expect(resultDataProblem('frobnicate', { anything: [1, 2] })).toBeUndefined();
    expect(resultDataProblem('frobnicate', 'text')).toBeDefined();
  });

  it('measures nesting without parsing, ignoring brackets inside strings', () => {
    const nested = (n: number) => Buffer.from('['.repeat(n) + ']'.repeat(n));
    expect(jsonDeeperThan(nested(MAX_FRAME_DEPTH), MAX_FRAME_DEPTH)).toBe(false);
    expect(jsonDeeperThan(nested(MAX_FRAME_DEPTH + 1), MAX_FRAME_DEPTH)).toBe(true);
    expect(jsonDeeperThan(Buffer.from(JSON.stringify({ s: '[[[[[[[[[[[[[[[[[[[[[[[[\\"[[[[' })), 2)).toBe(false);
    expect(jsonDeeperThan(Buffer.from('{"a":{"b":{"c":1}}}'), 2)).toBe(true);
  });
});

describe('jsonDeeperThan on escapes', () => {
  it('ends a string only at a quote not escaped', () => {
    expect(jsonDeeperThan(Buffer.from(JSON.stringify({ s: 'a\\"[[[[[' })), 1)).toBe(false);
    expect(jsonDeeperThan(Buffer.from(JSON.stringify({ s: 'a\\\\', t: [[1]] })), 2)).toBe(true);
    expect(jsonDeeperThan(Buffer.from(JSON.stringify({ s: 'a\\\\', t: [1] })), 2)).toBe(false);
  });
});
