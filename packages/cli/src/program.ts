import { Command } from 'commander';
import { registerLoginCommand } from './commands/login.ts';
import { registerShellCommand } from './commands/shell.ts';
import { registerBatchCommand } from './commands/batch.ts';
import { registerTransferCommands } from './commands/transfer.ts';
import { registerHostsCommands, registerGroupsCommands } from './commands/hosts.ts';
import { registerLibraryCommands } from './commands/libraries.ts';
import { registerPolicyCommands } from './commands/policies.ts';
import { registerAuditCommand } from './commands/audit.ts';
import { errorLine } from './api/errors.ts';

/** The `riposte` program with its name, description and getting-started help. */
export function newProgram(): Command {
  return new Command()
    .name('riposte')
    .description("Self-hosted live response: server, agents, and the responder's terminal")
    .showHelpAfterError()
    .addHelpText('after', '\nGetting started:\n  $ npm start                          # server + a local agent, ./data\n  $ riposte login --data ./data        # keep the bootstrap client as a profile\n  $ riposte hosts ls\n  $ riposte shell $(hostname)\n  $ riposte batch --filter "platform_name:\'Linux\'" -- ls /tmp\n');
}

/** The commands that only talk to a server over its API (bin/client-bundle.js lists their names). */
export function registerClientCommands(program: Command): void {
  registerLoginCommand(program);
  registerShellCommand(program);
  registerBatchCommand(program);
  registerTransferCommands(program);
  registerHostsCommands(program);
  registerGroupsCommands(program);
  registerLibraryCommands(program);
  registerPolicyCommands(program);
  registerAuditCommand(program);
}

/** Runs the command line; an error is one line and exit code 1, never a stack trace. */
export function run(program: Command): void {
  program.parseAsync(process.argv).catch((err: unknown) => {
    console.error(`riposte: ${errorLine(err)}`);
    process.exit(1);
  });
}
