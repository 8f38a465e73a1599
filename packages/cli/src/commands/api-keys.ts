import type { Command } from 'commander';
import { CB_PERMISSIONS, parseCbGrants } from '@riposte/spec/carbonblack-permissions';
import { databaseCommand, lines, print, withCore } from './local-core.ts';

const PERMISSIONS_HELP = `comma-separated grants PERMISSION:OP[+OP…], or "all"; permissions: ${Object.entries(CB_PERMISSIONS)
  .map(([p, ops]) => `${p} (${ops.join('/')})`)
  .join(', ')}`;

/** Carbon Black API keys (`X-Auth-Token: {api_secret}/{api_id}`) and the org key they are used with. */
export function registerApiKeyCommands(program: Command): void {
  const cmd = program.command('api-keys').description('manage Carbon Black API keys');

  databaseCommand(cmd, 'create')
    .description('create an API key; its secret is printed once')
    .requiredOption('--name <name>', 'key name')
    .option('--permissions <list>', PERMISSIONS_HELP, 'all')
    .option('--json', 'print {org_key, api_id, api_secret, permissions} as JSON')
    .action(async (opts) => {
      let grants: string[];
      try {
        grants = parseCbGrants(String(opts.permissions));
      } catch (err) {
        process.stderr.write(`riposte: ${(err as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      const { key, orgKey } = await withCore(opts, async (core) => ({ key: await core.carbonblack.apiKeys.create({ name: opts.name, grants }), orgKey: await core.carbonblack.orgKey() }));
      const permissions = [...key.grants];
      print(opts.json, { org_key: orgKey, api_id: key.id, api_secret: key.api_secret, permissions },
        () => `org_key:      ${orgKey}\napi_id:       ${key.id}\napi_secret:   ${key.api_secret}\nX-Auth-Token: ${key.api_secret}/${key.id}\npermissions:  ${permissions.join(',')}\n`);
    });

  databaseCommand(cmd, 'list')
    .description('list API keys')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const keys = await withCore(opts, (core) => core.carbonblack.apiKeys.list());
      print(opts.json, keys.map((k) => ({ api_id: k.id, name: k.name, permissions: [...k.grants], created_at: k.created_at })),
        () => lines(keys, (k) => `${k.id}  ${k.name}  ${[...k.grants].join(',')}`));
    });

  databaseCommand(cmd, 'revoke')
    .description('revoke an API key')
    .argument('<api_id>')
    .action(async (id: string, opts) => {
      await withCore(opts, (core) => core.carbonblack.apiKeys.revoke(id));
      process.stdout.write(`revoked ${id}\n`);
    });
}
