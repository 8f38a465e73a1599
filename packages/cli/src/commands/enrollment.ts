import os from 'node:os';
import type { Command } from 'commander';
import type { AuthActor, EnrollToken } from '@riposte/core';
import { databaseCommand, lines, print, withCore } from './local-core.ts';

/** Who acts, in the audit trail: the CLI and the operating-system user running it. */
function cliActor(): AuthActor {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {}
  return { id: 'cli', name: `riposte CLI (${user}@${os.hostname()})` };
}

/** `7d`, `12h`, `30m`, `90s`, or an ISO-8601 time → an ISO time in the future. */
export function parseExpiry(text: string, now = Date.now()): string {
  const m = /^(\d+)\s*([smhdw])$/i.exec(text.trim());
  if (m) {
    const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 }[m[2].toLowerCase() as 's' | 'm' | 'h' | 'd' | 'w'];
    const ms = Number(m[1]) * unit;
    if (!(ms > 0)) throw new Error(`--expires ${text}: must be more than zero`);
    return new Date(now + ms).toISOString();
  }
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new Error(`--expires ${text}: give a duration (7d, 12h, 30m) or an ISO-8601 time`);
  if (t <= now) throw new Error(`--expires ${text}: that time has passed`);
  return new Date(t).toISOString();
}

function positive(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, not ${text}`);
  return n;
}

function describeToken(t: EnrollToken): string {
  const uses = t.max_uses === null ? `${t.uses} uses` : `${t.uses}/${t.max_uses} uses`;
  const expires = t.expires_at ? `expires ${t.expires_at}` : 'never expires';
  const tags = t.tags.length ? `  tags ${t.tags.join(',')}` : '';
  return `${t.id}  ${t.state.padEnd(8)}  ${uses}  ${expires}${tags}${t.description ? `  ${t.description}` : ''}`;
}

export function registerEnrollmentCommands(program: Command): void {
  const tokens = program.command('enroll-tokens').description('manage agent enrollment tokens');

  databaseCommand(tokens, 'create')
    .description('create an enrollment token; the token is printed once')
    .option('--expires <when>', 'stop enrolling after this long (7d, 12h, 30m) or at this ISO-8601 time')
    .option('--max-uses <n>', 'enroll at most this many agents')
    .option('--tags <list>', 'comma-separated tags every host enrolled with it receives, e.g. FalconGroupingTags/lab')
    .option('--description <text>', 'what the token is for', '')
    .option('--json', 'print the token and its settings as JSON')
    .action(async (opts) => {
      const input = {
        description: opts.description as string,
        expires_at: opts.expires ? parseExpiry(opts.expires) : undefined,
        max_uses: opts.maxUses ? positive(opts.maxUses, '--max-uses') : undefined,
        tags: opts.tags ? String(opts.tags).split(',').map((s) => s.trim()).filter(Boolean) : undefined,
      };
      const created = await withCore(opts, (core) => core.enrollTokens.create(input, cliActor()));
      print(opts.json, created, () => `enroll_token: ${created.token}\n${describeToken(created)}\n`);
    });

  databaseCommand(tokens, 'list')
    .description('list enrollment tokens (never the tokens themselves)')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const list = await withCore(opts, (core) => core.enrollTokens.list());
      print(opts.json, list, () => lines(list, describeToken));
    });

  databaseCommand(tokens, 'revoke')
    .description('revoke an enrollment token: it enrolls nothing more (enrolled agents keep working)')
    .argument('<id>')
    .action(async (id: string, opts) => {
      await withCore(opts, (core) => core.enrollTokens.revoke(id, cliActor()));
      process.stdout.write(`revoked enrollment token ${id}\n`);
    });

  const agents = program.command('agents').description('manage enrolled agent identities');
  databaseCommand(agents, 'revoke')
    .description("revoke an agent's identity: its secret stops working at once and its connection is closed (within a second, on every replica)")
    .argument('<device_id>')
    .action(async (deviceId: string, opts) => {
      if (!/^[0-9a-f]{32}$/.test(deviceId)) throw new Error(`${deviceId} is not a device id (32 lowercase hex digits)`);
      await withCore(opts, (core) => core.agentRevocations.revoke(deviceId, cliActor()));
      process.stdout.write(`revoked agent ${deviceId}; it must enroll again (as a new host) to reconnect\n`);
    });
}
