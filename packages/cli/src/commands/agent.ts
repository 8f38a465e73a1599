import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { AgentTls } from '@riposte/agent';

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

/** Exit status when the server refuses the agent's identity (`riposte start` re-enrolls its local agent on it). */
export const UNKNOWN_IDENTITY_EXIT = 3;

/** `--ca FILE` / `--insecure` (shared with `agent simulate`), with the warning --insecure deserves. */
export function agentTls(opts: { ca?: string; insecure?: boolean; caIsServerCert?: boolean; server: string }): AgentTls | undefined {
  if (opts.ca && opts.insecure) throw new Error('give --ca or --insecure, not both');
  const secure = /^(https|wss):/i.test(opts.server);
  if (!secure && (opts.ca || opts.insecure)) throw new Error(`--ca and --insecure apply to https:// servers; ${opts.server} is plain http`);
  if (opts.insecure) {
    process.stderr.write(
      '\n*** WARNING: --insecure: the server certificate is NOT checked. Anyone on the network path can pose as the\n' +
        '*** server, read this agent\'s secret and run commands on this host. Use --ca FILE instead outside a lab. ***\n\n',
    );
    return { insecure: true };
  }
  if (!opts.ca) return undefined;
  try {
    return { ca: fs.readFileSync(path.resolve(opts.ca)), pinned: opts.caIsServerCert === true };
  } catch (err) {
    throw new Error(`--ca ${opts.ca}: ${(err as Error).message}`);
  }
}

const collect = (value: string, previous: string[]) => [...previous, value];

function positiveMs(value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 1) throw new InvalidArgumentError('a whole number of milliseconds, at least 1');
  return ms;
}

export function registerAgentCommands(program: Command): void {
  program
    .command('agent')
    .description('run the endpoint agent on this machine: enroll once, then stay connected and run commands')
    .requiredOption('--server <url>', 'riposte server URL, e.g. http://127.0.0.1:8080')
    .option('--enroll-token <token>', 'enrollment token (needed the first time only)', process.env.RIPOSTE_ENROLL_TOKEN)
    .option('--state <dir>', 'where the agent keeps its identity and journal', process.env.RIPOSTE_AGENT_STATE ?? './agent-state')
    .option('--allow-power', 'permit the restart and shutdown commands', false)
    .option('--protect <path>', "refuse every file command on PATH (repeatable; the state directory is always protected; give the server's data directory when the agent runs beside a server)", collect, [])
    .option('--ca <file>', 'PEM file of the CA (or the self-signed certificate) to trust for an https:// server')
    .option('--insecure', 'do not check the server certificate at all (lab use only: anyone on the path can impersonate the server)', false)
    .addOption(new Option('--ca-is-server-cert', 'the --ca file is the server\'s own certificate: accept it under any name (riposte start)').hideHelp())
    .addOption(new Option('--supervised', 'read {"enroll_token"} from the first line of stdin and stop when stdin closes (riposte start)').hideHelp())
    .option('--identity-sensor', 'make this host an identity sensor: report local accounts and authentications (Linux)', false)
    .option('--identity-auth-log <file>', 'auth log the identity sensor follows (default: /var/log/auth.log, /var/log/secure or the journal)')
    .addOption(new Option('--reconnect-max <ms>', 'longest wait between reconnect attempts (tests that restart their server)').argParser(positiveMs).hideHelp())
    .action(async (opts) => {
      scrubRiposteEnvironment();
      const { runAgent } = await import('@riposte/agent');
      const supervisor = opts.supervised ? await readSupervisorLine() : undefined;
      const protect = [...defaultProtected(), ...(opts.protect as string[]).map((p) => path.resolve(p))];
      const stateDir = path.resolve(opts.state);
      const agent = await runAgent({
        tls: agentTls(opts),
        serverUrl: opts.server,
        enrollToken: supervisor?.enroll_token ?? opts.enrollToken,
        stateDir,
        allowPower: opts.allowPower,
        protect,
        identitySensor: opts.identitySensor,
        identityAuthLog: opts.identityAuthLog,
        reconnectMaxMs: opts.reconnectMax,
        log: (level, msg, extra) => process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg, ...extra })}\n`),
      });
      agent.client.on('connected', () => process.stderr.write(`agent ${agent.deviceId} connected to ${opts.server}\n`));
      agent.client.once('unauthorized', () => {
        process.stderr.write(
          `riposte: the server does not accept the identity in ${path.join(stateDir, 'identity.json')} (host ${agent.deviceId}): it was revoked, ` +
            `or enrolled with another server. Remove that file and run again with --enroll-token to enroll as a new host.\n`,
        );
        agent.stop();
        process.exit(UNKNOWN_IDENTITY_EXIT);
      });
      const stop = () => {
        agent.stop();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // Supervised, the parent's end of stdin closing means the parent is gone (even SIGKILLed).
      if (supervisor) process.stdin.once('close', stop).resume();
    });
  program
    .command('agent-uninstall')
    .description("remove the agent's traces from this machine: lift its network containment, delete its state directory")
    .option('--state <dir>', 'the agent state directory', process.env.RIPOSTE_AGENT_STATE ?? './agent-state')
    .action(async (opts) => {
      const { uninstallAgent } = await import('@riposte/agent');
      await uninstallAgent(opts.state);
      process.stderr.write(`agent state ${path.resolve(opts.state)} removed\n`);
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
