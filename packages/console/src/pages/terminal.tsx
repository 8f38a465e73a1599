import { useEffect, useRef } from 'preact/hooks';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { ConsoleRtrSession, type Tier } from '../rtr.ts';

const PULSE_MS = 4 * 60_000;

/**
 * An RTR terminal on one host: a line editor over xterm.js (arrows walk the history), each line
 * run in the vendor's command syntax through the RTR operations, errors (policy refusals among
 * them, which name the policy and setting) printed in red.
 */
export function TerminalPanel(props: { deviceId: string; tier: Tier }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const term = new Terminal({ convertEol: true, cursorBlink: true, fontSize: 14, theme: { background: '#111418' } });
    term.open(el.current!);
    let session: ConsoleRtrSession | undefined;
    let line = '';
    let busy = true;
    const history: string[] = [];
    let back = 0;
    const prompt = () => term.write(`\x1b[32m${session?.pwd ?? ''}>\x1b[0m `);
    const replaceLine = (text: string) => {
      term.write('\b \b'.repeat(line.length));
      line = text;
      term.write(line);
    };
    const run = async (cmd: string) => {
      busy = true;
      try {
        await session!.run(cmd, (c) => {
          if (c.stdout) term.write(c.stdout);
          if (c.stderr) term.write(`\x1b[31m${c.stderr}\x1b[0m`);
          if ((c.stdout || c.stderr) && !(c.stdout + c.stderr).endsWith('\n')) term.write('\n');
        });
      } catch (err) {
        term.write(`\x1b[31m${(err as Error).message}\x1b[0m\n`);
      }
      busy = false;
      prompt();
    };
    term.onData((data) => {
      if (busy) return;
      if (data === '\r') {
        term.write('\r\n');
        const cmd = line.trim();
        line = '';
        back = 0;
        if (!cmd) return prompt();
        if (history[history.length - 1] !== cmd) history.push(cmd);
        if (cmd === 'clear' || cmd === 'cls') {
          term.clear();
          return prompt();
        }
        void run(cmd);
      } else if (data === '\x7f') {
        if (line) {
          line = line.slice(0, -1);
          term.write('\b \b');
        }
      } else if (data === '\x1b[A') {
        if (back < history.length) replaceLine(history[history.length - ++back]);
      } else if (data === '\x1b[B') {
        if (back > 0) replaceLine(--back === 0 ? '' : history[history.length - back]);
      } else if (data === '\x03') {
        line = '';
        term.write('^C\r\n');
        prompt();
      } else if (!data.startsWith('\x1b')) {
        const printable = data.replace(/[\x00-\x1f]/g, '');
        line += printable;
        term.write(printable);
      }
    });
    term.write('Opening a session…\r\n');
    ConsoleRtrSession.open(props.deviceId, props.tier).then(
      (s) => {
        session = s;
        busy = false;
        term.write(`Session ${s.id} open. Commands use the vendor's syntax (ls, cd, ps, netstat, cat…).\r\n`);
        prompt();
        term.focus();
      },
      (err) => term.write(`\x1b[31m${(err as Error).message}\x1b[0m\r\n`),
    );
    const pulse = setInterval(() => void session?.pulse().catch(() => {}), PULSE_MS);
    return () => {
      clearInterval(pulse);
      void session?.close().catch(() => {});
      term.dispose();
    };
  }, [props.deviceId, props.tier]);
  return <div class="terminal" ref={el} aria-label="RTR terminal" />;
}
