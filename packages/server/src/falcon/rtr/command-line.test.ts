import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CommandLineError, parseArgs, splitArgv, tokenize, type OptionSpec } from './command-line.ts';

const words = (line: string) => tokenize(line).map((t) => t.text);

describe('RTR command-line tokenizer', () => {
  it('splits on whitespace and keeps Windows backslashes literal', () => {
    expect(words('ls C:\\Windows\\System32')).toEqual(['ls', 'C:\\Windows\\System32']);
    expect(words('  cp\ta.txt \n b.txt  ')).toEqual(['cp', 'a.txt', 'b.txt']);
  });

  it('groups double-quoted text, also inside a word', () => {
    expect(words('ls "C:\\Program Files"')).toEqual(['ls', 'C:\\Program Files']);
    expect(words('run x.exe -CommandLine="-a -b c"')).toEqual(['run', 'x.exe', '-CommandLine=-a -b c']);
    expect(words('cat "a""b"')).toEqual(['cat', 'ab']);
    expect(words('cat ""')).toEqual(['cat', '']);
  });

  it('keeps single quotes and apostrophes as ordinary characters (paths contain them)', () => {
    expect(words("ls C:\\Users\\O'Brien")).toEqual(['ls', "C:\\Users\\O'Brien"]);
  });

  it('takes ``` raw blocks verbatim across lines and quotes', () => {
    const script = 'Get-Process | Where { $_.Name -eq "x" }\nWrite-Output \'done\'';
    const t = tokenize(`runscript -Raw=\`\`\`${script}\`\`\` -Timeout=5`);
    expect(t.map((x) => x.text)).toEqual(['runscript', `-Raw=${script}`, '-Timeout=5']);
    expect(t[1].option).toBe(true);
  });

  it('marks unquoted -Letter words as options, not quoted ones or negative numbers', () => {
    const t = tokenize('x -Force "-NotAnOption" -5 - -a=1');
    expect(t.map((x) => x.option)).toEqual([false, true, false, false, false, true]);
  });

  it('reports unterminated quotes and raw blocks with their position', () => {
    expect(() => tokenize('ls "C:\\Program Files')).toThrow(/unterminated quote: " at position 3/);
    expect(() => tokenize('runscript -Raw=```echo hi')).toThrow(/unterminated raw block/);
    expect(() => tokenize('ls a\0b')).toThrow(CommandLineError);
  });

  it('splits -CommandLine values into argv with the same rules', () => {
    expect(splitArgv('-Days 7 "two words"')).toEqual(['-Days', '7', 'two words']);
    expect(splitArgv('')).toEqual([]);
  });
});

describe('RTR option parsing', () => {
  const specs: OptionSpec[] = [
    { name: 'CommandLine', value: true, description: '' },
    { name: 'Wait', value: false, description: '' },
  ];
  const parse = (line: string) => parseArgs(tokenize(line), specs, 'run');

  it('reads -Name=value, -Name value and switches, case-insensitively', () => {
    expect(parse('x.exe -commandline="a b" -WAIT')).toEqual({ positionals: ['x.exe'], options: { CommandLine: 'a b', Wait: true } });
    expect(parse('-CommandLine -x x.exe')).toEqual({ positionals: ['x.exe'], options: { CommandLine: '-x' } });
    expect(parse('-Wait x.exe').positionals).toEqual(['x.exe']); // a switch never swallows the next word
  });

  it('refuses unknown, repeated, valueless and over-valued options', () => {
    expect(() => parse('x -Bogus')).toThrow(/unknown option -Bogus for run; options are: -CommandLine, -Wait/);
    expect(() => parse('x -Wait -wait')).toThrow(/given more than once/);
    expect(() => parse('x -CommandLine')).toThrow(/needs a value/);
    expect(() => parse('x -Wait=yes')).toThrow(/is a switch and takes no value/);
    expect(() => parseArgs(tokenize('-x'), [], 'ps')).toThrow(/it takes no options/);
  });
});

describe('RTR command line, property-based', () => {
  // Characters that matter to the syntax, mixed with ordinary ones.
  const alphabet = fc.constantFrom(' ', '\t', '\n', '"', '`', '-', '=', '\\', '/', 'a', 'Z', '0', ':', "'", 'é', '😀', '\0');
  const line = fc.array(alphabet, { maxLength: 60 }).map((cs) => cs.join(''));

  it('never throws anything but a CommandLineError, on any input', () => {
    fc.assert(
      fc.property(fc.oneof(line, fc.string({ maxLength: 80 })), (s) => {
        try {
          const tokens = tokenize(s);
          parseArgs(tokens, [{ name: 'CommandLine', value: true, description: '' }, { name: 'Force', value: false, description: '' }], 'cmd');
        } catch (e) {
          if (!(e instanceof CommandLineError)) throw e;
          expect(e.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips any list of plain words through quoting', () => {
    const word = fc.string({ minLength: 1, maxLength: 20 }).filter((w) => !w.includes('"') && !w.includes('`') && !w.includes('\0'));
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), (ws) => {
        expect(splitArgv(ws.map((w) => `"${w}"`).join(' '))).toEqual(ws);
      }),
    );
  });

  it('keeps any raw block content byte for byte', () => {
    const body = fc.string({ maxLength: 200 }).filter((b) => !b.includes('```') && !b.includes('\0') && !b.endsWith('`'));
    fc.assert(
      fc.property(body, (b) => {
        expect(tokenize(`runscript -Raw=\`\`\`${b}\`\`\``)[1].text).toBe(`-Raw=${b}`);
      }),
    );
  });
});
