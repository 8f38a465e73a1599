import type { Command } from 'commander';
import type { RiposteClient } from '@riposte/client';
import { apiOptions, clientFor, resolveHost } from '../api/connect.ts';
import { groupIdByName } from '../api/fleet.ts';
import { examples, outputOption, parseFormat, printObject, printRows, type Column } from '../api/output.ts';

type Device = Record<string, unknown> & { device_id: string };
const ONLINE_STATE_MAX_IDS = 100;

const hostColumns: Column<Device>[] = [
  { header: 'device_id', value: (h) => h.device_id },
  { header: 'hostname', value: (h) => h.hostname },
  { header: 'platform', value: (h) => h.platform_name },
  { header: 'os', value: (h) => h.os_version },
  { header: 'state', value: (h) => h.state },
  { header: 'last_seen', value: (h) => h.last_seen },
  { header: 'local_ip', value: (h) => h.local_ip },
  { header: 'tags', value: (h) => h.tags },
];

/** The online state of each host (GetOnlineState_V1, a hundred ids at a time). */
async function withState(client: RiposteClient, hosts: Device[]): Promise<Device[]> {
  const state = new Map<string, unknown>();
  for (let i = 0; i < hosts.length; i += ONLINE_STATE_MAX_IDS) {
    const ids = hosts.slice(i, i + ONLINE_STATE_MAX_IDS).map((h) => h.device_id);
    for (const s of (await client.getOnlineStateV1({ query: { ids } })).resources as { id: string; state: string }[]) state.set(s.id, s.state);
  }
  return hosts.map((h) => ({ ...h, state: state.get(h.device_id) ?? '' }));
}

export function registerHostsCommands(program: Command): void {
  const hosts = program.command('hosts').description('the fleet: list and show hosts');
  const ls = outputOption(apiOptions(hosts.command('ls')))
    .description('list hosts (CombinedDevicesByFilter)')
    .option('--filter <fql>', "FQL filter, e.g. platform_name:'Linux'")
    .option('--sort <field>', 'e.g. hostname.asc or last_seen.desc', 'hostname.asc')
    .option('--limit <n>', 'at most this many hosts', '500')
    .action(async (opts) => {
      const format = parseFormat(opts.output);
      const client = clientFor(opts);
      const page = await client.combinedDevicesByFilter({ query: { filter: opts.filter, sort: opts.sort, limit: Number(opts.limit) } });
      printRows(await withState(client, page.resources as unknown as Device[]), hostColumns, format);
    });
  examples(ls, [`riposte hosts ls --filter "platform_name:'Windows'+last_seen:>'now-1d'" --sort hostname.asc`, 'riposte hosts ls --output csv > hosts.csv']);

  const show = outputOption(apiOptions(hosts.command('show')))
    .description('every field of one host')
    .argument('<host>', 'hostname or device id')
    .action(async (ref: string, opts) => {
      const format = parseFormat(opts.output);
      const client = clientFor(opts);
      const host = await resolveHost(client, ref);
      const [details] = (await client.getDeviceDetailsV2({ query: { ids: [host.device_id] } })).resources as unknown as Device[];
      const [withOnline] = await withState(client, [details]);
      printObject(withOnline, format);
    });
  examples(show, ['riposte hosts show web-01', 'riposte hosts show 0123456789abcdef0123456789abcdef --output json']);
}

const groupColumns: Column<Record<string, unknown>>[] = [
  { header: 'id', value: (g) => g.id },
  { header: 'name', value: (g) => g.name },
  { header: 'type', value: (g) => g.group_type },
  { header: 'assignment_rule', value: (g) => g.assignment_rule },
  { header: 'description', value: (g) => g.description },
];

export function registerGroupsCommands(program: Command): void {
  const groups = program.command('groups').description('host groups: list, create, add and remove hosts');
  const ls = outputOption(apiOptions(groups.command('ls')))
    .description('list host groups')
    .option('--filter <fql>', 'FQL filter')
    .action(async (opts) => {
      const client = clientFor(opts);
      const page = await client.queryCombinedHostGroups({ query: { filter: opts.filter, limit: 500 } });
      printRows(page.resources as unknown as Record<string, unknown>[], groupColumns, parseFormat(opts.output));
    });
  examples(ls, ['riposte groups ls', "riposte groups ls --filter \"name:'servers'\" --output json"]);

  const create = outputOption(apiOptions(groups.command('create')))
    .description('create a host group (static unless --rule makes it dynamic)')
    .argument('<name>')
    .option('--description <text>', 'description')
    .option('--rule <fql>', 'assignment rule: a dynamic group of the hosts it matches')
    .action(async (name: string, opts) => {
      const client = clientFor(opts);
      const created = await client.createHostGroups({ body: { resources: [{ name, group_type: opts.rule ? 'dynamic' : 'static', description: opts.description, assignment_rule: opts.rule }] } });
      printRows(created.resources as unknown as Record<string, unknown>[], groupColumns, parseFormat(opts.output));
    });
  examples(create, ['riposte groups create servers --description "web and db"', "riposte groups create linux --rule \"platform_name:'Linux'\""]);

  for (const [verb, action, what] of [['add', 'add-hosts', 'add hosts to'], ['rm', 'remove-hosts', 'remove hosts from']] as const) {
    const c = apiOptions(groups.command(verb))
      .description(`${what} a static group`)
      .argument('<group>', 'group name or id')
      .argument('<hosts...>', 'hostnames or device ids')
      .action(async (group: string, refs: string[], opts) => {
        const client = clientFor(opts);
        const id = await groupIdByName(client, group);
        const ids = [];
        for (const ref of refs) ids.push((await resolveHost(client, ref)).device_id);
        await client.performGroupAction({ query: { action_name: action }, body: { ids: [id], action_parameters: [{ name: 'filter', value: `(device_id:[${ids.map((d) => `'${d}'`).join(',')}])` }] } });
        process.stderr.write(`${verb === 'add' ? 'added' : 'removed'} ${ids.length} host(s) ${verb === 'add' ? 'to' : 'from'} ${group}\n`);
      });
    examples(c, [`riposte groups ${verb} servers web-01 db-01`]);
  }
}
