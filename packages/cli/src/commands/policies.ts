import type { Command } from 'commander';
import type { RiposteClient } from '@riposte/client';
import { apiOptions, clientFor } from '../api/connect.ts';
import { examples, outputOption, parseFormat, printRows, type Column } from '../api/output.ts';

interface Policy {
  id: string;
  name: string;
  platform_name: string;
  enabled: boolean;
  description: string;
  groups: { name: string }[];
  settings: { name: string; settings: { id: string; name: string; value: { enabled: boolean } }[] }[];
  [key: string]: unknown;
}

const PLATFORMS = ['Windows', 'Linux', 'Mac'];

async function allPolicies(client: RiposteClient, filter?: string): Promise<Policy[]> {
  return (await client.queryCombinedRTResponsePolicies({ query: { filter, limit: 5000, sort: 'precedence.asc' } })).resources as unknown as Policy[];
}

/** A policy by id, or by name (with --platform when the name is on several platforms, as platform_default is). */
async function findPolicy(client: RiposteClient, ref: string, platform?: string): Promise<Policy> {
  const all = await allPolicies(client);
  const byId = all.find((p) => p.id === ref);
  if (byId) return byId;
  const named = all.filter((p) => p.name === ref && (!platform || p.platform_name.toLowerCase() === platform.toLowerCase()));
  if (named.length === 0) throw new Error(`no response policy "${ref}"${platform ? ` on ${platform}` : ''} (riposte policies ls lists them)`);
  if (named.length > 1) throw new Error(`"${ref}" names ${named.length} policies (${named.map((p) => `${p.platform_name} ${p.id}`).join(', ')}); add --platform or give the id`);
  return named[0];
}

const settingsOf = (p: Policy) => p.settings.flatMap((s) => s.settings);

const policyColumns: Column<Policy>[] = [
  { header: 'id', value: (p) => p.id },
  { header: 'name', value: (p) => p.name },
  { header: 'platform', value: (p) => p.platform_name },
  { header: 'enabled', value: (p) => p.enabled },
  { header: 'groups', value: (p) => p.groups.map((g) => g.name) },
  { header: 'on', value: (p) => settingsOf(p).filter((s) => s.value.enabled).map((s) => s.id).join(' ') },
];

export function registerPolicyCommands(program: Command): void {
  const policies = program.command('policies').description('response policies: which RTR commands hosts allow');
  const ls = outputOption(apiOptions(policies.command('ls')))
    .description('list response policies in precedence order, with the settings that are on')
    .option('--filter <fql>', "FQL filter, e.g. platform_name:'Linux'")
    .action(async (opts) => printRows(await allPolicies(clientFor(opts), opts.filter), policyColumns, parseFormat(opts.output)));
  examples(ls, ['riposte policies ls', "riposte policies ls --filter \"platform_name:'Windows'\" --output json"]);

  const show = outputOption(apiOptions(policies.command('show')))
    .description("one policy's settings")
    .argument('<policy>', 'name or id')
    .option('--platform <platform>', 'Windows, Linux or Mac, when the name is on several')
    .action(async (ref: string, opts) => {
      const format = parseFormat(opts.output);
      const p = await findPolicy(clientFor(opts), ref, opts.platform);
      if (format === 'json') return void process.stdout.write(JSON.stringify(p, null, 2) + '\n');
      process.stderr.write(`${p.name} (${p.platform_name}, id ${p.id}, ${p.enabled ? 'enabled' : 'disabled'}; groups: ${p.groups.map((g) => g.name).join(', ') || 'none'})\n`);
      printRows(settingsOf(p), [{ header: 'setting', value: (s) => s.id }, { header: 'name', value: (s) => s.name }, { header: 'enabled', value: (s) => s.value.enabled }], format);
    });
  examples(show, ['riposte policies show platform_default --platform Linux']);

  const set = apiOptions(policies.command('set'))
    .description('turn settings on or off')
    .argument('<policy>', 'name or id')
    .argument('<settings...>', 'Setting=on|off, e.g. GetCommand=on ExecCommand=off')
    .option('--platform <platform>', 'Windows, Linux or Mac, when the name is on several')
    .action(async (ref: string, pairs: string[], opts) => {
      const client = clientFor(opts);
      const p = await findPolicy(client, ref, opts.platform);
      const known = new Set(settingsOf(p).map((s) => s.id));
      const settings = pairs.map((pair) => {
        const m = /^(\w+)=(on|off|true|false)$/i.exec(pair);
        if (!m) throw new Error(`"${pair}" is not Setting=on|off`);
        if (!known.has(m[1])) throw new Error(`${p.platform_name} policies have no setting ${m[1]}; they have: ${[...known].join(', ')}`);
        return { id: m[1], value: { enabled: /^(on|true)$/i.test(m[2]) } };
      });
      await client.updateRTResponsePolicies({ body: { resources: [{ id: p.id, settings }] } });
      process.stderr.write(`${p.name} (${p.platform_name}): ${settings.map((s) => `${s.id} ${s.value.enabled ? 'on' : 'off'}`).join(', ')}\n`);
    });
  examples(set, ['riposte policies set platform_default --platform Linux GetCommand=on PutCommand=on ExecCommand=on']);

  const precedence = apiOptions(policies.command('precedence'))
    .description("set a platform's policy order, first wins (every policy of the platform but platform_default, which is always last)")
    .argument('<platform>', 'Windows, Linux or Mac')
    .argument('<policies...>', 'names or ids, highest precedence first')
    .action(async (platform: string, refs: string[], opts) => {
      const name = PLATFORMS.find((p) => p.toLowerCase() === platform.toLowerCase());
      if (!name) throw new Error(`platform must be one of ${PLATFORMS.join(', ')}`);
      const client = clientFor(opts);
      const ids = [];
      for (const ref of refs) ids.push((await findPolicy(client, ref, name)).id);
      await client.setRTResponsePoliciesPrecedence({ body: { ids, platform_name: name } });
      process.stderr.write(`${name} precedence: ${refs.join(' > ')}\n`);
    });
  examples(precedence, ['riposte policies precedence Linux strict-servers lab-hosts']);
}
