import type { Command } from 'commander';
import { databaseCommand, lines, print, withCore } from './local-core.ts';

export function registerApiClientCommands(program: Command): void {
  const cmd = program.command('api-clients').description('manage OAuth2 API clients');

  databaseCommand(cmd, 'create')
    .description('create an API client; its secret is printed once')
    .requiredOption('--name <name>', 'client name')
    .option('--scopes <list>', 'comma-separated scopes, or "all"', 'all')
    .option('--description <text>', 'description', '')
    .option('--json', 'print {client_id, client_secret, scopes} as JSON')
    .action(async (opts) => {
      const { allScopes } = await import('@riposte/spec');
      const scopes = opts.scopes === 'all' ? allScopes() : String(opts.scopes).split(',').map((s: string) => s.trim()).filter(Boolean);
      const created = await withCore(opts, (core) => core.apiClients.create({ name: opts.name, scopes, description: opts.description }));
      print(opts.json, { client_id: created.client_id, client_secret: created.client_secret, scopes: created.scopes },
        () => `client_id:     ${created.client_id}\nclient_secret: ${created.client_secret}\nscopes:        ${created.scopes.join(',')}\n`);
    });

  databaseCommand(cmd, 'list')
    .description('list API clients')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const clients = await withCore(opts, (core) => core.apiClients.list());
      print(opts.json, clients, () => lines(clients, (c) => `${c.client_id}  ${c.name}  ${c.scopes.join(',')}`));
    });

  databaseCommand(cmd, 'delete')
    .description('delete an API client and its tokens')
    .argument('<client_id>')
    .action(async (clientId: string, opts) => {
      await withCore(opts, (core) => core.apiClients.delete(clientId));
      process.stdout.write(`deleted ${clientId}\n`);
    });
}
