import type { Command } from 'commander';
import { apiOptions, clientFor } from '../api/connect.ts';
import { examples, outputOption, parseFormat, printRows } from '../api/output.ts';

interface AuditSession {
  id: string;
  device_id: string;
  user_id?: string;
  created_at?: string;
  hostname?: string;
  logs: { created_at?: string; base_command?: string; command_string?: string; current_directory?: string }[];
}

/** `--since 2h` / `3d` / `30m` / an ISO time → an ISO time. */
export function sinceIso(s: string, now = Date.now()): string {
  const m = /^(\d+)([smhd])$/.exec(s);
  if (m) return new Date(now - Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd']).toISOString();
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new Error(`--since takes 30m, 2h, 7d or a date, not "${s}"`);
  return new Date(t).toISOString();
}

export function registerAuditCommand(program: Command): void {
  const cmd = outputOption(apiOptions(program.command('audit')))
    .description('the RTR audit trail: sessions and the commands run in them, newest first')
    .option('--filter <fql>', "FQL over sessions, e.g. device_id:'…' or user_id:'…'")
    .option('--since <when>', 'only sessions created since: 30m, 2h, 7d or a date')
    .option('--limit <n>', 'at most this many sessions', '100')
    .action(async (opts) => {
      const filters = [opts.filter, opts.since ? `created_at:>='${sinceIso(opts.since)}'` : undefined].filter(Boolean);
      const client = clientFor(opts);
      const page = await client.rtrAuditSessions({ query: { filter: filters.join('+') || undefined, sort: 'created_at|desc', limit: Number(opts.limit), with_command_info: true } });
      const sessions = page.resources as unknown as AuditSession[];
      const rows = sessions.flatMap((s) => (s.logs.length ? s.logs : [{}]).map((l: AuditSession['logs'][number]) => ({ session: s, log: l })));
      printRows(
        rows,
        [
          { header: 'time', value: (r) => r.log.created_at ?? r.session.created_at },
          { header: 'session', value: (r) => r.session.id },
          { header: 'device_id', value: (r) => r.session.device_id },
          { header: 'user', value: (r) => r.session.user_id },
          { header: 'command', value: (r) => r.log.command_string ?? '' },
        ],
        parseFormat(opts.output),
        (r) => ({ ...r.session, logs: undefined, log: r.log }),
      );
    });
  examples(cmd, ['riposte audit --since 2h', "riposte audit --filter \"device_id:'0123456789abcdef0123456789abcdef'\" --output csv"]);
}
