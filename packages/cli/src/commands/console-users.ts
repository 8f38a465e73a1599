import type { Command } from 'commander';
import { CONSOLE_ROLES, CONSOLE_ROLE_SCOPES, isConsoleRole } from '@riposte/core/console-roles';
import { databaseCommand, withCore } from './local-core.ts';

/** `riposte users`: local web console users. */
export function registerConsoleUserCommands(program: Command): void {
  const cmd = program.command('users').description('manage web console users');
  databaseCommand(cmd, 'create')
    .description('create a console user; without --password one is generated and printed once')
    .requiredOption('--name <name>', 'user name')
    .requiredOption('--role <role>', `one of ${CONSOLE_ROLES.join(', ')}`)
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .action(async (opts) => {
      if (!isConsoleRole(opts.role)) throw new Error(`unknown role ${opts.role}; roles are ${CONSOLE_ROLES.join(', ')}`);
      const password = opts.passwordStdin ? (await readStdin()).replace(/\r?\n$/, '') : undefined;
      const created = await withCore(opts, (core) => core.consoleUsers.create({ name: opts.name, role: opts.role, password }));
      process.stdout.write(`user:   ${created.user.name}\nrole:   ${created.user.role} (${CONSOLE_ROLE_SCOPES[created.user.role].join(',')})\n`);
      if (!password) process.stdout.write(`password: ${created.password}\n`);
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
