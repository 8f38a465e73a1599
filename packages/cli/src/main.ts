import { Command } from 'commander';
import { registerServerCommands } from './commands/server.ts';
import { registerApiClientCommands } from './commands/api-clients.ts';
import { registerApiKeyCommands } from './commands/api-keys.ts';
import { registerAgentCommands } from './commands/agent.ts';
import { registerStartCommand } from './commands/start.ts';
import { registerSimulateCommand } from './commands/simulate.ts';
import { registerEnrollmentCommands } from './commands/enrollment.ts';

const program = new Command();
program.name('riposte').description('Self-hosted live response: server, agents and API clients').showHelpAfterError();

registerServerCommands(program);
registerApiClientCommands(program);
registerApiKeyCommands(program);
registerAgentCommands(program);
registerSimulateCommand(program);
registerStartCommand(program);
registerEnrollmentCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`riposte: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
