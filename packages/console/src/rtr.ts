import { api, RiposteApiError } from './api.ts';
import { baseCommand, type Tier } from '../../client/src/command-line.ts';

export { tierOf, type Tier } from '../../client/src/command-line.ts';

const POLL_MIN_MS = 40;
const POLL_MAX_MS = 500;

/** `reg query`, `ls`…: the names in a session's `scripts` (Falcon's help entries), sub-commands after their base. */
function commandNames(scripts: Array<Record<string, unknown>>): string[] {
  const names: string[] = [];
  for (const s of scripts) {
    const base = String(s.command);
    const subs = Array.isArray(s.sub_commands) ? (s.sub_commands as Array<{ command: string }>) : [];
    if (subs.length) for (const sub of subs) names.push(`${base} ${sub.command}`);
    else names.push(base);
  }
  return names.sort();
}

/** One RTR session opened from the console: a command line in the vendor's syntax, output as its chunks arrive. */
export class ConsoleRtrSession {
  private constructor(
    readonly id: string,
    readonly deviceId: string,
    public pwd: string,
    readonly tier: Tier,
    readonly platform: string,
    /** The commands (and their sub-commands) this role may run on this host, as the session answered them. */
    readonly commands: string[],
  ) {}

  static async open(deviceId: string, tier: Tier): Promise<ConsoleRtrSession> {
    const r = (await api.rtrInitSession({ body: { device_id: deviceId, origin: 'riposte-console' } })).resources[0];
    return new ConsoleRtrSession(r.session_id, deviceId, r.pwd, tier, r.platform, commandNames(r.scripts));
  }

  pulse() {
    return api.rtrPulseSession({ body: { device_id: this.deviceId } });
  }

  close() {
    return api.rtrDeleteSession({ query: { session_id: this.id } });
  }

  /** Runs a line; each piece of output goes to `out` as it arrives; answers the whole output. */
  async run(line: string, out: (chunk: { stdout: string; stderr: string }) => void): Promise<{ stdout: string; stderr: string }> {
    const all = { stdout: '', stderr: '' };
    const take = (c: { stdout: string; stderr: string }) => {
      all.stdout += c.stdout;
      all.stderr += c.stderr;
      out(c);
    };
    const base = baseCommand(line);
    const body = { base_command: base, command_string: line.trim(), session_id: this.id };
    const started = this.tier === 'admin' ? await api.rtrExecuteAdminCommand({ body }) : this.tier === 'active' ? await api.rtrExecuteActiveResponderCommand({ body }) : await api.rtrExecuteCommand({ body });
    const id = started.resources[0].cloud_request_id;
    const status = (sequence_id: number) => {
      const input = { query: { cloud_request_id: id, sequence_id } };
      return this.tier === 'admin' ? api.rtrCheckAdminCommandStatus(input) : this.tier === 'active' ? api.rtrCheckActiveResponderCommandStatus(input) : api.rtrCheckCommandStatus(input);
    };
    let wait = POLL_MIN_MS;
    for (;;) {
      const r = (await status(0)).resources[0];
      if (r.complete) {
        take(r);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(POLL_MAX_MS, wait * 1.5);
    }
    for (let seq = 1; ; seq++) {
      try {
        take((await status(seq)).resources[0]);
      } catch (err) {
        if (err instanceof RiposteApiError && err.status === 404) break;
        throw err;
      }
    }
    // The prompt shows where a cd landed, as the host reports it.
    if (base === 'cd') {
      let text = '';
      await this.run('pwd', (c) => (text += c.stdout));
      if (text.trim()) this.pwd = text.trim();
    }
    return all;
  }
}
