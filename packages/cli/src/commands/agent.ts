import path from 'node:path';
import readline from 'node:readline';
import { Option, type Command } from 'commander';
import { runAgent } from '@riposte/agent';

/**
 * What the agent protects by default besides its state directory: on Linux its own /proc entry
 * (/proc/PID/environ keeps the environment it started with, even after the variables are removed).
 */
function defaultProtected(): string[] {
  return process.platform === 'linux' ? [`/proc/${process.pid}`] : [];
}

/** riposte's settings are the agent's secrets: once read, they leave the environment that `env` and child processes see. */
export function scrubRiposteEnvironment(): void {
  for (const name of Object.keys(process.env)) if (/^RIPOSTE_/i.test(name)) delete process.env[name];
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerAgentCommands(program: Command): void {
  program
    .command('agent')
    .description('run the endpoint agent on this machine: enroll once, then stay connected and run commands')
    .requiredOption('--server <url>', 'riposte server URL, e.g. http://127.0.0.1:8080')
    .option('--enroll-token <token>', 'enrollment token (needed the first time only)', process.env.RIPOSTE_ENROLL_TOKEN)
    .option('--state <dir>', 'where the agent keeps its identity and journal', process.env.RIPOSTE_AGENT_STATE ?? './agent-state')
    .option('--allow-power', 'permit the restart and shutdown commands', false)
    .option('--protect <path>', "refuse every file command on PATH (repeatable; the state directory is always protected; give the server's data directory when the agent runs beside a server)", collect, [])
    .addOption(new Option('--supervised', 'read {"enroll_token"} from the first line of stdin and stop when stdin closes (riposte start)').hideHelp())
    .action(async (opts) => {
      scrubRiposteEnvironment();
      const supervisor = opts.supervised ? await readSupervisorLine() : undefined;
      const protect = [...defaultProtected(), ...(opts.protect as string[]).map((p) => path.resolve(p))];
      const agent = await runAgent({
        serverUrl: opts.server,
        enrollToken: supervisor?.enroll_token ?? opts.enrollToken,
        stateDir: path.resolve(opts.state),
        allowPower: opts.allowPower,
        protect,
        log: (level, msg, extra) => process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg, ...extra })}\n`),
      });
      agent.client.on('connected', () => process.stderr.write(`agent ${agent.deviceId} connected to ${opts.server}\n`));
      const stop = () => {
        agent.stop();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // Supervised, the parent's end of stdin closing means the parent is gone (even SIGKILLed).
      if (supervisor) process.stdin.once('close', stop).resume();
    });
}

/** The first line of stdin, as JSON; secrets travel this way rather than in argv (visible to `ps`) or the environment. */
async function readSupervisorLine(): Promise<{ enroll_token?: string }> {
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    lines.close();
    return JSON.parse(line) as { enroll_token?: string };
  }
  return {};
}
