// The entry of the prebuilt bundle (scripts/build-cli.js): only the API client commands, none of
// the server, agent or database packages.
import { registerClientCommands } from './client-commands.ts';
import { newProgram, run } from './program.ts';

const program = newProgram();
registerClientCommands(program);
run(program);
