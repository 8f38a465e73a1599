import { describe, expect, it } from 'vitest';
import { allCbGrants } from '@riposte/spec';
import { CB_COMMANDS, commandSpec, supportedCommands } from './catalog.ts';
import type { CbFile } from './index.ts';

const upload: CbFile = { id: 'f1', session_id: 1, kind: 'upload', file_name: 'tool.exe', sha256: 'a'.repeat(64), size: 3, range_offset: 0, range_count: 0, created_at: '' };

describe('Carbon Black command catalog', () => {
  it('has the seed\'s 15 commands, 9 of them off Windows, each needing a grant that exists', () => {
    expect(Object.keys(CB_COMMANDS)).toHaveLength(15);
    expect(supportedCommands('windows')).toHaveLength(15);
    expect(supportedCommands('linux')).toEqual(['directory list', 'process list', 'create process', 'kill', 'delete file', 'get file', 'put file', 'create directory', 'memdump']);
    const grants = new Set(allCbGrants());
    for (const [name, spec] of Object.entries(CB_COMMANDS)) expect(grants.has(spec.grant), name).toBe(true);
  });

  it('maps commands onto internal commands, judged as the documented policy capability', () => {
    expect(commandSpec('directory list').build({ name: 'directory list', path: 'C:\\Temp\\*' }, 'windows')).toEqual({ name: 'ls', args: { path: 'C:\\Temp' } });
    expect(commandSpec('create process').build({ name: 'create process', path: 'echo a; echo b', output_file: "/tmp/o u't", wait: true }, 'linux')).toEqual({
      name: 'run',
      args: { wait: true, executable: '/bin/sh', args: ['-c', "{ echo a; echo b\n} > '/tmp/o u'\\''t' 2>&1"] },
    });
    expect(commandSpec('create process').build({ name: 'create process', path: 'cmd.exe /c dir', output_file: 'C:\\demo\\output.txt' }, 'windows').args).toEqual({ wait: false, executable: 'cmd.exe', args: ['/c', '(cmd.exe /c dir) > "C:\\demo\\output.txt" 2>&1'] });
    expect(commandSpec('put file').build({ name: 'put file', path: 'C:\\demo\\tool.exe', file_id: 'f1' }, 'windows', upload)).toEqual({ name: 'put', args: { sha256: upload.sha256, size: 3, name: 'tool.exe', destination: 'C:\\demo\\tool.exe' } });
    expect(commandSpec('put file').build({ name: 'put file', path: 'C:\\demo\\', file_id: 'f1' }, 'windows', upload).args).toMatchObject({ name: 'tool.exe', destination: 'C:\\demo\\' });
    expect(commandSpec('reg set value').build({ name: 'reg set value', path: 'HKLM\\SOFTWARE\\X\\Multi', value_type: 'REG_MULTI_SZ', value_data: ['a', 'b'] }, 'windows')).toEqual({
      name: 'reg',
      args: { action: 'set', key: 'HKLM\\SOFTWARE\\X', value: 'Multi', type: 'REG_MULTI_SZ', data: 'a\\0b' },
    });
    expect(commandSpec('memdump').build({ name: 'memdump', path: 'C:\\m.dmp' }, 'windows').name).toBe('xmemdump');
    expect(Object.fromEntries(Object.entries(CB_COMMANDS).map(([n, s]) => [n, s.capability]))).toMatchObject({ 'create process': 'run', 'get file': 'get', 'put file': 'put', memdump: 'memdump', kill: 'command' });
  });

  it('refuses what it cannot honour, naming it', () => {
    expect(() => commandSpec('format c:')).toThrow(/unknown command "format c:"; commands are: directory list/);
    expect(() => commandSpec('toString')).toThrow(/unknown command/);
    expect(() => commandSpec('reg query value').build({ name: 'reg query value', path: 'HKLM' }, 'windows')).toThrow(/registry key followed by/);
    expect(() => commandSpec('reg set value').build({ name: 'reg set value', path: 'HKLM\\A\\B', overwrite: false }, 'windows')).toThrow(/overwrite: false/);
    expect(() => commandSpec('put file').build({ name: 'put file', path: '/tmp/..', file_id: 'f1' }, 'linux', upload)).toThrow(/must end with a file name/);
  });
});
