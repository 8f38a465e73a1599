import type { Command } from 'commander';
import { openCore } from '@riposte/core';
import { allScopes } from '@riposte/spec';
import { databaseUrl, DEFAULT_DATA, type DataOptions } from './options.ts';

export async function withCore<T>(opts: DataOptions, fn: (core: Awaited<ReturnType<typeof openCore>>) => Promise<T>): Promise<T> {
  const core = await openCore(databaseUrl(opts));
  try {
    return await fn(core);
  } finally {
    await core.close();
  }
}

export function registerApiClientCommands(program: Command): void {
  const cmd = program.command('api-clients').description('manage OAuth2 API clients');
  const common = (c: Command) =>
    c.option('--data <dir>', 'data directory', DEFAULT_DATA).option('--database <url>', 'postgres://… (or RIPOSTE_DATABASE_URL)');

  common(cmd.command('create'))
    .description('create an API client; its secret is printed once')
    .requiredOption('--name <name>', 'client name')
    .option('--scopes <list>', 'comma-separated scopes, or "all"', 'all')
    .option('--description <text>', 'description', '')
    .option('--json', 'print {client_id, client_secret, scopes} as JSON')
    .action(async (opts) => {
      const scopes = opts.scopes === 'all' ? allScopes() : String(opts.scopes).split(',').map((s: string) => s.trim()).filter(Boolean);
      const created = await withCore(opts, (core) => core.apiClients.create({ name: opts.name, scopes, description: opts.description }));
      if (opts.json) {
        process.stdout.write(JSON.stringify({ client_id: created.client_id, client_secret: created.client_secret, scopes: created.scopes }) + '\n');
      } else {
        process.stdout.write(`client_id:     ${created.client_id}\nclient_secret: ${created.client_secret}\nscopes:        ${created.scopes.join(',')}\n`);
      }
    });

  common(cmd.command('list'))
    .description('list API clients')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const clients = await withCore(opts, (core) => core.apiClients.list());
      if (opts.json) process.stdout.write(JSON.stringify(clients) + '\n');
      else for (const c of clients) process.stdout.write(`${c.client_id}  ${c.name}  ${c.scopes.join(',')}\n`);
    });

  common(cmd.command('delete'))
    .description('delete an API client and its tokens')
    .argument('<client_id>')
    .action(async (clientId: string, opts) => {
      await withCore(opts, (core) => core.apiClients.delete(clientId));
      process.stdout.write(`deleted ${clientId}\n`);
    });
}
