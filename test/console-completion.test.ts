import { describe, expect, it } from 'vitest';
import { complete } from '../packages/console/src/terminal/completion.ts';

const COMMANDS = ['cat', 'cd', 'clear', 'filehash', 'get', 'getsid', 'ls', 'reg delete', 'reg load', 'reg query', 'reg set'];

describe('terminal tab completion', () => {
  it('completes a unique command and adds the space before its arguments', () => {
    expect(complete('fileh', COMMANDS)).toEqual({ line: 'filehash ', choices: [] });
    expect(complete('l', COMMANDS)).toEqual({ line: 'ls ', choices: [] });
  });

  it('extends to the common prefix, then lists the choices', () => {
    expect(complete('c', COMMANDS)).toEqual({ line: 'c', choices: ['cat', 'cd', 'clear'] });
    expect(complete('ge', COMMANDS)).toEqual({ line: 'get', choices: [] });
    expect(complete('get', COMMANDS)).toEqual({ line: 'get', choices: ['get', 'getsid'] });
  });

  it('completes sub-commands word by word', () => {
    expect(complete('re', COMMANDS)).toEqual({ line: 'reg ', choices: [] });
    expect(complete('reg ', COMMANDS)).toEqual({ line: 'reg ', choices: ['delete', 'load', 'query', 'set'] });
    expect(complete('reg q', COMMANDS)).toEqual({ line: 'reg query ', choices: [] });
  });

  it('leaves arguments and unknown words alone', () => {
    expect(complete('ls /et', COMMANDS)).toEqual({ line: 'ls /et', choices: [] });
    expect(complete('xyz', COMMANDS)).toEqual({ line: 'xyz', choices: [] });
  });
});
