import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { promisify } from 'node:util';
import type { IdentityReportFrame } from '@riposte/spec';
import type { AgentClient } from '../transport/index.ts';
import { parseAuthLogLine, parseAuthMessage, type LocalAuthEvent } from './auth-log.ts';
import { parseLocalAccounts, readAccountFiles } from './local-accounts.ts';

const run = promisify(execFile);
const AUTH_LOGS = ['/var/log/auth.log', '/var/log/secure'];
/** Largest piece of an auth log read per poll; the rest waits for the next. */
const MAX_READ = 4 * 1024 * 1024;
const MAX_EVENTS_PER_FRAME = 2000;

export interface LocalIdentitySensorOptions {
  client: AgentClient;
  deviceId: string;
  hostname: string;
  localIp: string;
  osName: string;
  /** An auth log to follow instead of looking for auth.log, secure or the journal. */
  authLogPath?: string;
  /** Where passwd, group and shadow are. */
  etcDir?: string;
  pollMs?: number;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}

/**
 * The identity module of a Linux agent: reports the host's local accounts and groups on every
 * connection and whenever the account files change, and the sshd/sudo/login authentications it
 * reads from the auth log (or the systemd journal) as they happen.
 */
export class LocalIdentitySensor {
  private timer?: NodeJS.Timeout;
  private accountsStamp = '';
  private offset: number | undefined;
  private journalCursor: string | undefined;
  private readonly startedAt = new Date();
  private pending: LocalAuthEvent[] = [];
  private busy = false;
  private readonly source: { kind: 'file'; path: string } | { kind: 'journal' } | { kind: 'none' };

  constructor(private readonly opts: LocalIdentitySensorOptions) {
    if (process.platform !== 'linux') throw new Error(`the identity sensor module reads Linux account and auth databases; it is not supported on ${process.platform}`);
    const file = opts.authLogPath ?? AUTH_LOGS.find((p) => fs.existsSync(p));
    this.source = file ? { kind: 'file', path: file } : fs.existsSync('/usr/bin/journalctl') || fs.existsSync('/bin/journalctl') ? { kind: 'journal' } : { kind: 'none' };
    if (this.source.kind === 'none') opts.log?.('warn', 'identity sensor: no auth log or journal found; reporting accounts only');
  }

  start(): void {
    this.opts.client.on('connected', () => {
      this.accountsStamp = '';
      void this.poll();
    });
    this.timer = setInterval(() => void this.poll(), this.opts.pollMs ?? 5000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private send(part: Omit<IdentityReportFrame, 'domain' | 'kind'>): boolean {
    return this.opts.client.sendIdentity({ domain: this.opts.hostname.split('.')[0].toUpperCase(), kind: 'LOCAL_ACCOUNTS', ...part });
  }

  /** One round: accounts if they changed, then new authentications. */
  async poll(): Promise<void> {
    if (this.busy || !this.opts.client.connected) return;
    this.busy = true;
    try {
      await this.reportAccounts();
      this.pending.push(...(await this.readEvents()));
      while (this.pending.length && this.send({ events: this.pending.slice(0, MAX_EVENTS_PER_FRAME) })) this.pending = this.pending.slice(MAX_EVENTS_PER_FRAME);
    } catch (e) {
      this.opts.log?.('warn', 'identity sensor poll failed', { err: (e as Error).message });
    } finally {
      this.busy = false;
    }
  }

  private async reportAccounts(): Promise<void> {
    const dir = this.opts.etcDir ?? '/etc';
    const stamp = ['passwd', 'group', 'shadow'].map((f) => fs.statSync(`${dir}/${f}`, { throwIfNoEntry: false })?.mtimeMs ?? 0).join('/');
    if (stamp === this.accountsStamp) return;
    const { users, groups } = parseLocalAccounts(readAccountFiles(dir));
    const endpoint = { host_name: this.opts.hostname, ip: this.opts.localIp, os: this.opts.osName, agent_id: this.opts.deviceId };
    if (this.send({ groups, users, endpoints: [endpoint] })) this.accountsStamp = stamp;
  }

  private async readEvents(): Promise<LocalAuthEvent[]> {
    if (this.source.kind === 'file') return this.readFile(this.source.path);
    if (this.source.kind === 'journal') return this.readJournal();
    return [];
  }

  private async readFile(path: string): Promise<LocalAuthEvent[]> {
    const size = fs.statSync(path, { throwIfNoEntry: false })?.size;
    if (size === undefined) return [];
    // From the end at start-up: what happened before the sensor ran is not replayed.
    if (this.offset === undefined) this.offset = size;
    if (size < this.offset) this.offset = 0; // rotated or truncated
    if (size === this.offset) return [];
    const length = Math.min(size - this.offset, MAX_READ);
    const fd = fs.openSync(path, 'r');
    const buf = Buffer.alloc(length);
    try {
      fs.readSync(fd, buf, 0, length, this.offset);
    } finally {
      fs.closeSync(fd);
    }
    const text = buf.toString('utf8');
    const end = text.lastIndexOf('\n') + 1; // a partly written last line waits
    this.offset += Buffer.byteLength(text.slice(0, end));
    const now = new Date();
    return text.slice(0, end).split('\n').map((l) => parseAuthLogLine(l, now)).filter((e): e is LocalAuthEvent => !!e);
  }

  private async readJournal(): Promise<LocalAuthEvent[]> {
    const args = ['-o', 'json', '--no-pager', '-q', '_COMM=sshd', '_COMM=sudo', '_COMM=login'];
    args.push(this.journalCursor ? `--after-cursor=${this.journalCursor}` : `--since=@${Math.floor(this.startedAt.getTime() / 1000)}`);
    const { stdout } = await run('journalctl', args, { maxBuffer: 64 * 1024 * 1024, timeout: 30_000 });
    const out: LocalAuthEvent[] = [];
    for (const line of stdout.split('\n')) {
      if (!line) continue;
      const entry = JSON.parse(line) as { __CURSOR: string; __REALTIME_TIMESTAMP: string; _COMM?: string; SYSLOG_IDENTIFIER?: string; MESSAGE?: unknown };
      this.journalCursor = entry.__CURSOR;
      if (typeof entry.MESSAGE !== 'string') continue;
      const e = parseAuthMessage(entry._COMM ?? entry.SYSLOG_IDENTIFIER ?? '', entry.MESSAGE, new Date(Number(entry.__REALTIME_TIMESTAMP) / 1000));
      if (e) out.push(e);
    }
    return out;
  }
}

export function defaultOsName(): string {
  return `${os.type()} ${os.release()}`;
}
