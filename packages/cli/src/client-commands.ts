// The commands that only talk to a server over its API (bin/client-bundle.js lists their names):
// all of them in the prebuilt bundle (client-main.ts); through tsx (main.ts), loaded only when the
// command line is not a local command, whose start-up would not use them.
import type { Command } from 'commander';
import { registerLoginCommand } from './commands/login.ts';
import { registerShellCommand } from './commands/shell.ts';
import { registerBatchCommand } from './commands/batch.ts';
import { registerTransferCommands } from './commands/transfer.ts';
import { registerHostsCommands, registerGroupsCommands } from './commands/hosts.ts';
import { registerLibraryCommands } from './commands/libraries.ts';
import { registerPolicyCommands } from './commands/policies.ts';
import { registerAuditCommand } from './commands/audit.ts';

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
