import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ensurePutFile, type RiposteClient } from '@riposte/client';
import { apiOptions, clientFor } from '../api/connect.ts';
import { examples, outputOption, parseFormat, printRows, type Column } from '../api/output.ts';
import { size } from '../api/progress.ts';

type Entry = Record<string, unknown> & { id: string; name: string };

const columns: Column<Entry>[] = [
  { header: 'id', value: (e) => e.id },
  { header: 'name', value: (e) => e.name },
  { header: 'size', value: (e) => (typeof e.size === 'number' ? size(e.size) : '') },
  { header: 'sha256', value: (e) => e.sha256 },
  { header: 'platform', value: (e) => e.platform },
  { header: 'created_by', value: (e) => e.created_by },
  { header: 'description', value: (e) => e.description },
];

/** The put-files or scripts library, listed whole. */
async function listLibrary(client: RiposteClient, kind: 'put-files' | 'scripts', filter?: string): Promise<Entry[]> {
  const query = { query: { filter, limit: 5000 } };
  const ids = (kind === 'put-files' ? await client.rtrListPutFiles(query) : await client.rtrListScripts(query)).resources as string[];
  if (!ids.length) return [];
  const got = kind === 'put-files' ? await client.rtrGetPutFilesV2({ query: { ids } }) : await client.rtrGetScriptsV2({ query: { ids } });
  return got.resources as unknown as Entry[];
}

/** An entry by name or id. */
async function findEntry(client: RiposteClient, kind: 'put-files' | 'scripts', ref: string): Promise<Entry> {
  const all = await listLibrary(client, kind);
  const hit = all.find((e) => e.id === ref) ?? all.find((e) => e.name === ref);
  if (!hit) throw new Error(`no ${kind === 'put-files' ? 'put-file' : 'script'} named "${ref}" (riposte ${kind} ls lists them)`);
  return hit;
}

export function registerLibraryCommands(program: Command): void {
  for (const kind of ['put-files', 'scripts'] as const) {
    const one = kind === 'put-files' ? 'put-file' : 'script';
    const group = program.command(kind).description(kind === 'put-files' ? 'the put-files library: files the put command places on hosts' : 'the custom scripts library: scripts runscript -CloudFile runs');
    const ls = outputOption(apiOptions(group.command('ls')))
      .description(`list the ${kind} library`)
      .option('--filter <fql>', "FQL filter, e.g. name:'collect*'")
      .action(async (opts) => printRows(await listLibrary(clientFor(opts), kind, opts.filter), columns, parseFormat(opts.output)));
    examples(ls, [`riposte ${kind} ls`, `riposte ${kind} ls --output json`]);

    const rm = apiOptions(group.command('rm'))
      .description(`delete a ${one}`)
      .argument('<name>', 'name or id')
      .action(async (ref: string, opts) => {
        const client = clientFor(opts);
        const entry = await findEntry(client, kind, ref);
        if (kind === 'put-files') await client.rtrDeletePutFiles({ query: { ids: [entry.id] } });
        else await client.rtrDeleteScripts({ query: { ids: [entry.id] } });
        process.stderr.write(`deleted ${one} ${entry.name} (${entry.id})\n`);
      });
    examples(rm, [`riposte ${kind} rm ${kind === 'put-files' ? 'collector.sh' : 'triage'}`]);
  }

  const putAdd = apiOptions(program.commands.find((c) => c.name() === 'put-files')!.command('add'))
    .description('upload a local file to the put-files library')
    .argument('<file>', 'local file')
    .option('--name <name>', 'name in the library (default: the file name)')
    .option('--description <text>', 'description')
    .action(async (file: string, opts) => {
      if (!fs.existsSync(file)) throw new Error(`no file ${file}`);
      const r = await ensurePutFile(clientFor(opts), file, { name: opts.name, description: opts.description });
      process.stdout.write(`${r.uploaded ? 'uploaded' : 'already there:'} ${r.name} (id ${r.id}, sha256 ${r.sha256})\n`);
    });
  examples(putAdd, ['riposte put-files add ./collector.sh', 'riposte put-files add ./tool.exe --name tool-v2.exe --description "triage tool"']);

  const scriptAdd = apiOptions(program.commands.find((c) => c.name() === 'scripts')!.command('add'))
    .description('add a script to the custom scripts library')
    .argument('<file>', 'local script file')
    .option('--name <name>', 'name in the library (default: the file name)')
    .option('--description <text>', 'description', 'added by riposte')
    .option('--platform <list>', 'comma-separated: windows, linux, mac', 'linux')
    .option('--permission <type>', 'private, group or public', 'private')
    .action(async (file: string, opts) => {
      if (!fs.existsSync(file)) throw new Error(`no file ${file}`);
      const platforms = String(opts.platform).split(',').map((s) => s.trim()) as ('windows' | 'linux' | 'mac')[];
      const client = clientFor(opts);
      const created = await client.rtrCreateScriptsV2({
        form: { name: opts.name ?? path.basename(file), description: opts.description, permission_type: opts.permission, platform: platforms, content: fs.readFileSync(file, 'utf8') },
      });
      const r = created.resources[0];
      process.stdout.write(`added script ${r.name} (id ${r.id}, sha256 ${r.sha256})\n`);
    });
  examples(scriptAdd, ['riposte scripts add ./triage.sh --platform linux,mac', 'riposte scripts add ./collect.ps1 --platform windows --permission group']);
}
