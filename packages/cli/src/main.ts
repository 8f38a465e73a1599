import type { Command } from 'commander';
import { CLIENT_COMMANDS } from '../bin/client-bundle.js';
import { registerCompletionCommand } from './commands/completion.ts';
import { newProgram, registerClientCommands, run } from './program.ts';

/**
 * The commands that run a server or an agent or open the database load those packages (seconds
 * of start-up); the API client commands below do not need them, so they are loaded only when
 * the command line is not one of those.
 */
async function registerLocalCommands(program: Command): Promise<void> {
  const [server, apiClients, apiKeys, agent, simulate, start, enrollment, consoleUsers] = await Promise.all([
    import('./commands/server.ts'),
    import('./commands/api-clients.ts'),
    import('./commands/api-keys.ts'),
    import('./commands/agent.ts'),
    import('./commands/simulate.ts'),
    import('./commands/start.ts'),
    import('./commands/enrollment.ts'),
    import('./commands/console-users.ts'),
  ]);
  server.registerServerCommands(program);
  apiClients.registerApiClientCommands(program);
  apiKeys.registerApiKeyCommands(program);
  agent.registerAgentCommands(program);
  simulate.registerSimulateCommand(program);
  start.registerStartCommand(program);
  enrollment.registerEnrollmentCommands(program);
  consoleUsers.registerConsoleUserCommands(program);
}

const program = newProgram();
if (!CLIENT_COMMANDS.includes(process.argv[2] ?? '')) await registerLocalCommands(program);
registerClientCommands(program);
registerCompletionCommand(program);
run(program);
