import { complete } from './completion.ts';

/** What a keystroke asks of the terminal. */
export type EditorAction = { kind: 'submit'; line: string } | { kind: 'interrupt' } | { kind: 'redraw' } | undefined;

/**
 * The command line under the prompt: typing, Backspace, ↑/↓ through the history, Tab completing
 * the command from `commands()`. It writes what the screen needs through `write`.
 */
export class LineEditor {
  line = '';
  private readonly history: string[] = [];
  private back = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly commands: () => readonly string[],
  ) {}

  private replaceLine(text: string) {
    this.write('\b \b'.repeat(this.line.length));
    this.line = text;
    this.write(text);
  }

  input(data: string): EditorAction {
    if (data === '\r') {
      const line = this.line.trim();
      this.line = '';
      this.back = 0;
      if (line && this.history[this.history.length - 1] !== line) this.history.push(line);
      return { kind: 'submit', line };
    }
    if (data === '\x7f') {
      if (this.line) {
        this.line = this.line.slice(0, -1);
        this.write('\b \b');
      }
    } else if (data === '\t') {
      const c = complete(this.line, this.commands());
      if (c.choices.length) {
        this.write(`\r\n${c.choices.join('  ')}\r\n`);
        return { kind: 'redraw' };
      }
      if (c.line !== this.line) this.replaceLine(c.line);
    } else if (data === '\x1b[A') {
      if (this.back < this.history.length) this.replaceLine(this.history[this.history.length - ++this.back]);
    } else if (data === '\x1b[B') {
      if (this.back > 0) this.replaceLine(--this.back === 0 ? '' : this.history[this.history.length - this.back]);
    } else if (data === '\x03') {
      this.line = '';
      this.back = 0;
      return { kind: 'interrupt' };
    } else if (!data.startsWith('\x1b')) {
      // eslint-disable-next-line no-control-regex
      const printable = data.replace(/[\x00-\x1f]/g, '');
      this.line += printable;
      this.write(printable);
    }
    return undefined;
  }
}
