import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { runBatch, type HostResult, type HostStatus, type Tier } from '@riposte/client';
import { RTR_COMMANDS } from '@riposte/spec';
import { apiOptions, clientFor, parseTier } from '../api/connect.ts';
import { groupIdByName, groupMemberIds, hostIdsByFilter } from '../api/fleet.ts';
import { examples, outputOption, parseFormat, printRows, type Column } from '../api/output.ts';

const FORMATS = ['table', 'jsonl', 'csv'] as const;
const DEVICE_ID = /^[0-9a-f]{32}$/;

const columns = (format: string): Column<HostResult>[] => [
  { header: 'device_id', value: (r) => r.deviceId },
  { header: 'status', value: (r) => r.status },
  { header: 'stdout', value: (r) => (format === 'table' ? firstLines(r.stdout) : r.stdout) },
  { header: 'stderr', value: (r) => r.stderr },
  { header: 'error', value: (r) => r.error ?? '' },
];

/** `riposte batch`: one command line on many hosts, with a live progress bar and per-host results. */
export function registerBatchCommand(program: Command): void {
  const cmd = outputOption(apiOptions(program.command('batch')), [...FORMATS])
    .description('run one RTR command line on many hosts (BatchInitSessions + BatchCmd), with live progress and per-host results')
    .argument('<command...>', 'the command line, after --')
    .option('--filter <fql>', 'hosts matching this FQL filter')
    .option('--hosts <ids>', 'comma-separated device ids')
    .option('--group <name>', 'members of this host group (name or id)')
    .option('--timeout <seconds>', 'how long hosts have to answer', '30')
    .option('--queue-offline', 'queue the command for offline hosts instead of failing them')
    .option('--tier <tier>', "read, active or admin (default: the command's own tier)")
    .option('--progress', 'draw the progress bar even when stderr is not a terminal')
    .option('--chunk <n>', 'hosts per BatchCmd request (default: a quarter of the hosts, at least 50; four requests are in flight at once)')
    .action(async (words: string[], opts) => {
      const format = parseFormat(opts.output, [...FORMATS]);
      const timeout = Number(opts.timeout);
      if (!Number.isInteger(timeout) || timeout < 1 || timeout > 600) throw new Error(`--timeout must be whole seconds from 1 to 600, not "${opts.timeout}"`);
      const chosen = [opts.filter, opts.hosts, opts.group].filter((x) => x !== undefined).length;
      if (chosen !== 1) throw new Error('give exactly one of --filter, --hosts or --group');
      const line = words.join(' ');
      const client = clientFor(opts);
      let ids: string[];
      if (opts.hosts !== undefined) {
        ids = String(opts.hosts).split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
        const bad = ids.find((id) => !DEVICE_ID.test(id));
        if (bad) throw new Error(`--hosts takes device ids (32 hex characters); "${bad}" is not one`);
      } else if (opts.filter !== undefined) {
        ids = await hostIdsByFilter(client, opts.filter);
      } else {
        ids = await groupMemberIds(client, await groupIdByName(client, opts.group));
      }
      if (ids.length === 0) throw new Error('no hosts matched');
      const tier = parseTier(opts.tier) ?? commandTier(line);

      const counts: Record<HostStatus, number> = { done: 0, failed: 0, timed_out: 0, offline: 0, queued: 0 };
      const bar = progressBar(ids.length, !!opts.progress);
      const results: HostResult[] = [];
      for await (const chunk of runBatch(client, { hostIds: ids, commandLine: line, tier, timeoutS: timeout, queueOffline: !!opts.queueOffline, chunkSize: opts.chunk ? Number(opts.chunk) : undefined })) {
        for (const r of chunk) counts[r.status]++;
        if (format === 'jsonl') for (const r of chunk) process.stdout.write(JSON.stringify(jsonOf(r)) + '\n');
        else for (const r of chunk) results.push(r);
        bar?.update(counts.done + counts.failed + counts.timed_out + counts.offline + counts.queued, payload(counts));
      }
      bar?.stop();
      if (format !== 'jsonl') printRows(results, columns(format), format, jsonOf);
      const summary = `${ids.length} hosts: ${counts.done} done, ${counts.failed} failed, ${counts.timed_out} timed out, ${counts.offline} offline${counts.queued ? `, ${counts.queued} queued` : ''}`;
      process.stderr.write(summary + (counts.offline && !opts.queueOffline ? ' (--queue-offline queues the command for offline hosts)' : '') + '\n');
      if (counts.failed + counts.timed_out + counts.offline > 0) process.exitCode = 1;
    });
  examples(cmd, [
    `riposte batch --filter "platform_name:'Linux'" -- ls /tmp`,
    'riposte batch --group servers --output csv -- ps > ps.csv',
    'riposte batch --hosts ID1,ID2 --timeout 120 --queue-offline -- runscript -CloudFile=collect',
  ]);
}

/** The lowest tier that may run the command (its own), so a batch asks for no more than it needs. */
function commandTier(line: string): Tier {
  const [base, sub] = line.trim().toLowerCase().split(/\s+/);
  const def = RTR_COMMANDS.find((d) => d.command === `${base} ${sub}`) ?? RTR_COMMANDS.find((d) => d.base === base);
  return def?.tier ?? 'read';
}

const payload = (c: Record<HostStatus, number>) => ({ ok: c.done, failed: c.failed, timedout: c.timed_out, offline: c.offline + c.queued });

function progressBar(total: number, force: boolean): cliProgress.SingleBar | undefined {
  if (!process.stderr.isTTY && !force) return undefined;
  const bar = new cliProgress.SingleBar(
    {
      format: 'batch [{bar}] {value}/{total} | done {ok} | failed {failed} | timed out {timedout} | offline {offline}',
      stream: process.stderr,
      noTTYOutput: force,
      notTTYSchedule: 1000,
      hideCursor: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, payload({ done: 0, failed: 0, timed_out: 0, offline: 0, queued: 0 }));
  return bar;
}

function jsonOf(r: HostResult) {
  return { device_id: r.deviceId, status: r.status, stdout: r.stdout, stderr: r.stderr, error: r.error ?? null, session_id: r.sessionId ?? null, task_id: r.taskId ?? null };
}

function firstLines(s: string, n = 5): string {
  const lines = s.replace(/\n$/, '').split('\n');
  return lines.length > n ? [...lines.slice(0, n), `… ${lines.length - n} more lines`].join('\n') : lines.join('\n');
}
