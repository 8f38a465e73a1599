import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestServer } from './server.ts';

const run = promisify(execFile);
export const CLI = path.resolve(import.meta.dirname, '..', '..', 'packages', 'cli', 'bin', 'riposte.js');

/** The environment the CLI runs in: its own config directory, nothing inherited that names a server. */
export function cliEnv(configHome: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RIPOSTE_') && k !== 'NODE_OPTIONS'));
  return { ...env, XDG_CONFIG_HOME: configHome };
}

/** `riposte …` as a user runs it; resolves with its output and exit code (never throws on a non-zero exit). */
export async function riposte(configHome: string, args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...cliEnv(configHome), ...extraEnv }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** A config directory logged in to the test server with its bootstrap client. */
export async function loggedIn(t: TestServer): Promise<string> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-cli-config-'));
  const r = await riposte(home, ['login', '--server', t.url, '--client-id', t.clientId, '--client-secret', t.clientSecret]);
  if (r.code !== 0) throw new Error(`login failed: ${r.stderr}`);
  return home;
}

export function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A terminal for the CLI: a tmux session on a private socket, typed into and read like a screen. */
export class Terminal {
  private readonly socket = `riposte-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { env: this.env, encoding: 'utf8' });
  }

  start(command: string[]): void {
    const line = command.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    this.tmux('new-session', '-d', '-s', 'main', '-x', '200', '-y', '50', `${line}; echo "[exited $?]"; sleep 600`);
    this.tmux('set-option', '-t', 'main', 'history-limit', '5000');
  }

  /** Keys as tmux names them: text, 'Enter', 'Tab', 'C-c', 'Up'. */
  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'main', ...keys);
  }

  /** Literal text (no key names). */
  type(text: string): void {
    this.tmux('send-keys', '-t', 'main', '-l', text);
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-2000', '-t', 'main');
  }

  /** Waits until the screen (after the `from`-th match of the prompt, if given) matches `re`. */
  async waitFor(re: RegExp, timeoutMs = 60_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const s = this.screen();
      if (re.test(s)) return s;
      if (Date.now() > until) throw new Error(`terminal never showed ${re}; screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** How many times `re` appears on the screen now. */
  count(re: RegExp): number {
    return (this.screen().match(new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g')) ?? []).length;
  }

  /** Waits for one more appearance of `re` than there are now, after `act`. */
  async after(re: RegExp, act: () => void, timeoutMs = 60_000): Promise<string> {
    const before = this.count(re);
    act();
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (this.count(re) > before) return this.screen();
      if (Date.now() > until) throw new Error(`terminal never showed another ${re}; screen:\n${this.screen()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  close(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
    // tmux leaves its socket file behind.
    const dir = process.env.TMUX_TMPDIR ?? os.tmpdir();
    fs.rmSync(path.join(dir, `tmux-${process.getuid?.() ?? 0}`, this.socket), { force: true });
  }
}
