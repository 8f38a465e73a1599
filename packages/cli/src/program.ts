import { Command } from 'commander';
import { errorLine } from './api/errors.ts';

/** The `riposte` program with its name, description and getting-started help. */
export function newProgram(): Command {
  return new Command()
    .name('riposte')
    .description("Self-hosted live response: server, agents, and the responder's terminal")
    .showHelpAfterError()
    .addHelpText('after', '\nGetting started:\n  $ npm start                          # server + a local agent, ./data\n  $ riposte login --data ./data        # keep the bootstrap client as a profile\n  $ riposte hosts ls\n  $ riposte shell $(hostname)\n  $ riposte batch --filter "platform_name:\'Linux\'" -- ls /tmp\n');
}

/** Runs the command line; an error is one line and exit code 1, never a stack trace. */
export function run(program: Command): void {
  program.parseAsync(process.argv).catch((err: unknown) => {
    console.error(`riposte: ${errorLine(err)}`);
    process.exit(1);
  });
}
