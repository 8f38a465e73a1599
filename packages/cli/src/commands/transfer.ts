import path from 'node:path';
import type { Command } from 'commander';
import { apiOptions, clientFor, openSession, resolveHost } from '../api/connect.ts';
import { examples } from '../api/output.ts';
import { getFile, putFile } from '../api/transfer.ts';

/** `riposte get` and `riposte put`: one file each way, in a session opened and closed for it. */
export function registerTransferCommands(program: Command): void {
  const get = apiOptions(program.command('get'))
    .description("download a file from a host: retrieved with RTR get, its 7z unpacked, sha256 checked")
    .argument('<host>', 'hostname or device id')
    .argument('<path>', 'path of the file on the host')
    .option('-o, --out <dir>', 'local directory to unpack into', '.')
    .option('--queue-offline', 'wait for an offline host to come back')
    .action(async (hostArg: string, remote: string, opts) => {
      const client = clientFor(opts);
      const host = await resolveHost(client, hostArg);
      const session = await openSession(client, host, { tier: 'active', queueOffline: opts.queueOffline });
      try {
        process.stdout.write((await getFile(session, remote, opts.out)) + '\n');
      } finally {
        await session.close().catch(() => {});
      }
    });
  examples(get, ['riposte get web-01 /var/log/auth.log -o ./evidence', 'riposte get 0123456789abcdef0123456789abcdef "C:\\Windows\\System32\\drivers\\etc\\hosts"']);

  const put = apiOptions(program.command('put'))
    .description('upload a local file to a host: into the put-files library, then RTR put; sha256 checked on the host')
    .argument('<host>', 'hostname or device id')
    .argument('<file>', 'local file')
    .argument('<remote>', 'destination on the host: a file path, or a directory ending in / (or \\)')
    .option('--queue-offline', 'wait for an offline host to come back')
    .action(async (hostArg: string, local: string, remote: string, opts) => {
      const client = clientFor(opts);
      const host = await resolveHost(client, hostArg);
      const windows = /win/i.test(host.platform_name);
      const p = windows ? path.win32 : path.posix;
      const isDir = /[\\/]$/.test(remote);
      const remoteDir = isDir ? remote : p.dirname(remote);
      const name = isDir ? path.basename(local) : p.basename(remote);
      const session = await openSession(client, host, { tier: 'admin', queueOffline: opts.queueOffline });
      try {
        process.stdout.write((await putFile(client, session, local, { remoteDir, name })) + '\n');
      } finally {
        await session.close().catch(() => {});
      }
    });
  examples(put, ['riposte put web-01 ./triage.sh /tmp/triage.sh', 'riposte put web-01 ./tools/collector /opt/ir/']);
}
