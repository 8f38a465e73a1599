import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { Command } from 'commander';
import { CommandCancelledError, type RiposteClient, type RtrSession, type Tier } from '@riposte/client';
import { apiOptions, clientFor, detectTier, openSession, parseTier, resolveHost, type HostRef } from '../api/connect.ts';
import { errorLine } from '../api/errors.ts';
import { examples } from '../api/output.ts';
import { configDir } from '../api/profile.ts';
import { getFile, putFile } from '../api/transfer.ts';
import { helpText, makeCompleter, platformOf } from '../shell/completer.ts';

/** Sessions idle out after 10 minutes; a pulse every 4 keeps an open shell's alive. */
const PULSE_MS = 4 * 60_000;
const HISTORY_SIZE = 1000;

export function registerShellCommand(program: Command): void {
  const cmd = apiOptions(program.command('shell'))
    .description('an interactive RTR session on one host: the vendor command syntax, tab completion, history, get/put')
    .argument('<host>', 'hostname or device id')
    .option('--tier <tier>', 'read, active or admin (default: the highest your API client may use)')
    .option('--queue-offline', 'open the session on an offline host; commands wait for it')
    .option('-o, --out <dir>', 'where get puts downloaded files', '.')
    .action(async (hostArg: string, opts) => {
      const client = clientFor(opts);
      const host = await resolveHost(client, hostArg);
      const tier = parseTier(opts.tier) ?? (await detectTier(client));
      const session = await openSession(client, host, { tier, queueOffline: opts.queueOffline });
      process.stderr.write(`session ${session.id} on ${host.hostname} (${host.device_id}, ${session.platform}), ${tier} tier${session.offlineQueued ? '; the host is offline: commands wait for it' : ''}. help lists commands, exit leaves.\n`);
      await runShell(client, host, session, tier, opts.out);
    });
  examples(cmd, ['riposte shell web-01', 'riposte shell 0123456789abcdef0123456789abcdef --tier read', 'riposte shell laptop-7 --queue-offline -o ./evidence']);
}

function loadHistory(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).reverse().slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}

function saveHistory(file: string, history: string[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, [...history].reverse().join('\n') + '\n', { mode: 0o600 });
}

async function runShell(client: RiposteClient, host: HostRef, session: RtrSession, tier: Tier, outDir: string): Promise<void> {
  const historyFile = path.join(configDir(), 'history');
  const putFileNames = async () => {
    const ids = (await client.rtrListPutFiles({ query: { limit: 500 } })).resources as string[];
    return ids.length ? (await client.rtrGetPutFilesV2({ query: { ids } })).resources.map((f) => f.name) : [];
  };
  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    completer: makeCompleter(session, tier, putFileNames),
    history: loadHistory(historyFile),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    terminal: !!process.stdin.isTTY,
  });
  // `exit` stays out of the history: Up then Enter should not leave the next shell.
  rl.on('history', (h: string[]) => saveHistory(historyFile, h.filter((l) => !/^\s*(exit|quit)\s*$/.test(l))));
  const prompt = () => {
    rl.setPrompt(`${host.hostname}:${session.pwd}> `);
    // Keep the cursor where the line's text puts it: keys typed while a command ran are in the
    // line already, and a cursor moved back to its start would put the next key before them.
    rl.prompt(true);
  };
  let running: AbortController | undefined;
  rl.on('SIGINT', () => {
    if (running) {
      process.stdout.write('^C\n');
      running.abort();
    } else {
      // As in a local shell: drop the line being typed, stay.
      process.stdout.write('^C\n');
      rl.write(null, { ctrl: true, name: 'u' });
      prompt();
    }
  });
  const pulse = setInterval(() => void session.pulse().catch(() => {}), PULSE_MS);
  const platform = platformOf(session.platform);

  prompt();
  try {
    for await (const raw of rl) {
      const line = raw.trim();
      if (line === 'exit' || line === 'quit') break;
      if (line) {
        running = new AbortController();
        try {
          await handle(line, running.signal);
        } catch (err) {
          if (err instanceof CommandCancelledError || running.signal.aborted) process.stderr.write('cancelled\n');
          else process.stderr.write(`error: ${errorLine(err)}\n`);
        } finally {
          running = undefined;
        }
      }
      prompt();
    }
  } finally {
    clearInterval(pulse);
    rl.close();
    await session.close().then(
      () => process.stderr.write(`session on ${host.hostname} closed\n`),
      (err: unknown) => process.stderr.write(`could not close the session (it expires by itself): ${errorLine(err)}\n`),
    );
  }

  async function handle(line: string, signal: AbortSignal): Promise<void> {
    const [word, topic] = line.split(/\s+/);
    const arg = unquote(line.slice(word.length).trim());
    switch (word.toLowerCase()) {
      case 'help':
        return void process.stdout.write(helpText(tier, platform, topic));
      case 'clear':
        return void process.stdout.write('\x1b[2J\x1b[H');
      case 'get':
        if (!arg) throw new Error('usage: get <path>');
        return void process.stdout.write((await getFile(session, arg, outDir, signal)) + '\n');
      case 'put':
        if (!arg) throw new Error('usage: put <put-file name | local file>');
        return void process.stdout.write((await putFile(client, session, arg, { signal })) + '\n');
      default:
        await session.run(line, {
          signal,
          onOutput: (chunk) => {
            if (chunk.stdout) process.stdout.write(chunk.stdout.endsWith('\n') ? chunk.stdout : chunk.stdout + '\n');
            if (chunk.stderr) process.stderr.write(chunk.stderr.endsWith('\n') ? chunk.stderr : chunk.stderr + '\n');
          },
        });
    }
  }
}

function unquote(s: string): string {
  return /^"(.*)"$/.test(s) || /^'(.*)'$/.test(s) ? s.slice(1, -1) : s;
}
