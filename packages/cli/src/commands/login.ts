import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline/promises';
import type { Command } from 'commander';
import { RiposteApiError, RiposteClient } from '@riposte/client';
import { examples } from '../api/output.ts';
import { configFile, saveProfile } from '../api/profile.ts';

/** `riposte login`: check credentials against the server and keep them as a profile. */
export function registerLoginCommand(program: Command): void {
  const cmd = program
    .command('login')
    .description(`check API client credentials against a server and save them as a profile (in ${configFile()})`)
    .option('--server <url>', 'server URL', process.env.RIPOSTE_SERVER ?? 'http://127.0.0.1:8080')
    .option('--data <dir>', "read the client id and secret from the server's bootstrap.json in this data directory")
    .option('--client-id <id>', 'API client id (or RIPOSTE_CLIENT_ID)')
    .option('--client-secret <secret>', 'API client secret (or RIPOSTE_CLIENT_SECRET; asked for when missing)')
    .option('--profile <name>', 'profile name', 'default')
    .action(async (opts) => {
      let clientId: string | undefined = opts.clientId ?? process.env.RIPOSTE_CLIENT_ID;
      let clientSecret: string | undefined = opts.clientSecret ?? process.env.RIPOSTE_CLIENT_SECRET;
      if (opts.data) {
        const file = path.join(path.resolve(opts.data), 'bootstrap.json');
        if (!fs.existsSync(file)) throw new Error(`${file} does not exist: is --data the directory the server was started with?`);
        const boot = JSON.parse(fs.readFileSync(file, 'utf8')) as { client_id: string; client_secret: string };
        clientId = boot.client_id;
        clientSecret = boot.client_secret;
      }
      if (!clientId || !clientSecret) {
        if (!process.stdin.isTTY) throw new Error('give --client-id and --client-secret (or --data DIR)');
        const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
        clientId ||= (await rl.question('client id: ')).trim();
        clientSecret ||= (await rl.question('client secret: ')).trim();
        rl.close();
      }
      const server = String(opts.server).replace(/\/+$/, '');
      const client = new RiposteClient({ server, clientId: clientId!, clientSecret: clientSecret! });
      try {
        await client.accessToken();
      } catch (err) {
        if (err instanceof RiposteApiError && (err.status === 401 || err.status === 403)) throw new Error(`${server} refused client ${clientId}: wrong client id or secret`);
        throw err;
      }
      const file = saveProfile(opts.profile, { server, client_id: clientId!, client_secret: clientSecret! });
      process.stderr.write(`logged in to ${server} as client ${clientId}; profile "${opts.profile}" saved in ${file}\n`);
    });
  examples(cmd, ['riposte login --data ./data', 'riposte login --server https://riposte.example:8080 --client-id ID --client-secret SECRET --profile prod']);
}
