import { useEffect, useRef, useState } from 'preact/hooks';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { baseCommand, quoteArg } from '../../../client/src/command-line.ts';
import { ConsoleRtrSession, type Tier } from '../rtr.ts';
import { LineEditor } from './line-editor.ts';
import { ensurePutFile, offerRetrievedFile } from './transfers.ts';

const PULSE_MS = 4 * 60_000;
const RED = (s: string) => `\x1b[31m${s}\x1b[0m`;

/**
 * An RTR terminal on one host: a line editor over xterm.js, each line run in the vendor's command
 * syntax through the RTR operations, errors (policy refusals among them, which name the policy
 * and setting) in red. A finished `get` is offered as a download; a file dropped on the terminal
 * goes to the put-files library and is `put` into the current directory.
 */
export function TerminalPanel(props: { deviceId: string; tier: Tier; active: boolean }) {
  const el = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | undefined>(undefined);
  const fit = useRef<FitAddon | undefined>(undefined);
  const dropFiles = useRef<(files: File[]) => void>(() => {});
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    const t = new Terminal({ convertEol: true, cursorBlink: true, fontSize: 14, theme: { background: '#111418' } });
    term.current = t;
    fit.current = new FitAddon();
    t.loadAddon(fit.current);
    t.open(el.current!);
    // As many columns and rows as the panel holds (a hidden tab has no size: skipped).
    const resized = new ResizeObserver(() => {
      if (el.current?.offsetWidth) fit.current?.fit();
    });
    resized.observe(el.current!);
    let session: ConsoleRtrSession | undefined;
    let busy = true;
    const editor = new LineEditor((s) => t.write(s), () => session?.commands ?? []);
    const prompt = () => t.write(`\x1b[32m${session?.pwd ?? ''}>\x1b[0m ${editor.line}`);
    const print = (c: { stdout: string; stderr: string }) => {
      if (c.stdout) t.write(c.stdout);
      if (c.stderr) t.write(RED(c.stderr));
      if ((c.stdout || c.stderr) && !(c.stdout + c.stderr).endsWith('\n')) t.write('\n');
    };
    /** Runs one job with the line locked; its error in red; then the prompt. */
    const job = async (work: () => Promise<void>) => {
      busy = true;
      try {
        await work();
      } catch (err) {
        t.write(RED(`${(err as Error).message}\n`));
      }
      busy = false;
      prompt();
    };
    const run = (line: string) =>
      job(async () => {
        const out = await session!.run(line, print);
        if (baseCommand(line) === 'get' && !out.stderr && /SHA256 [0-9a-f]{64}/.test(out.stdout)) {
          const name = await offerRetrievedFile(session!, out.stdout);
          t.write(`\x1b[36mDownloading ${name}: a 7z archive, password "infected" (as the vendor's console serves it).\x1b[0m\n`);
        }
      });
    dropFiles.current = (files) => {
      if (!session || busy) {
        t.write(RED(`\r\nwait for the running command to finish before dropping a file\r\n`));
        return prompt();
      }
      t.write('\r\n');
      void job(async () => {
        for (const file of files) {
          t.write(`Uploading ${file.name} (${file.size} bytes) to the put-files library…\n`);
          const { uploaded } = await ensurePutFile(file);
          if (!uploaded) t.write(`${file.name} is already in the library with the same content.\n`);
          const line = `put ${quoteArg(file.name)}`;
          t.write(`\x1b[32m${session!.pwd}>\x1b[0m ${line}\n`);
          await session!.run(line, print);
        }
      });
    };
    t.onData((data) => {
      if (busy) return;
      const action = editor.input(data);
      if (!action) return;
      if (action.kind === 'redraw') return prompt();
      if (action.kind === 'interrupt') {
        t.write('^C\r\n');
        return prompt();
      }
      t.write('\r\n');
      if (!action.line) return prompt();
      if (action.line === 'clear' || action.line === 'cls') {
        t.clear();
        return prompt();
      }
      void run(action.line);
    });
    t.write('Opening a session…\r\n');
    ConsoleRtrSession.open(props.deviceId, props.tier).then(
      (s) => {
        session = s;
        busy = false;
        t.write(`Session ${s.id} open. Commands use the vendor's syntax (ls, cd, ps, netstat, cat…); Tab completes a command; drop a file here to put it.\r\n`);
        prompt();
        t.focus();
      },
      (err) => t.write(RED(`${(err as Error).message}\r\n`)),
    );
    const pulse = setInterval(() => void session?.pulse().catch(() => {}), PULSE_MS);
    return () => {
      resized.disconnect();
      clearInterval(pulse);
      void session?.close().catch(() => {});
      t.dispose();
    };
  }, [props.deviceId, props.tier]);

  useEffect(() => {
    if (!props.active) return;
    fit.current?.fit();
    term.current?.focus();
  }, [props.active]);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length) dropFiles.current(files);
  };
  return (
    <>
      {/* Dropping needs a mouse: the same upload and put from a file chooser. */}
      <label class="put-file">
        Put a file on the host{' '}
        <input
          type="file"
          multiple
          onChange={(e) => {
            const input = e.currentTarget as HTMLInputElement;
            const files = [...(input.files ?? [])];
            input.value = '';
            if (files.length) dropFiles.current(files);
          }}
        />
      </label>
    <div
      class={dragging ? 'rtr-terminal dragging' : 'rtr-terminal'}
      ref={el}
      aria-label="RTR terminal"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    />
    </>
  );
}
