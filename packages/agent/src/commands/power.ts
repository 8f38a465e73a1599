/**
 * restart / shutdown. Result `data` shape: { action: 'restart'|'shutdown', command: string }
 * (the OS command that was started). Refused with permission_denied unless the agent was started
 * with power control allowed, so a stolen console session can't take hosts offline.
 */
import type { CommandContext, Handler } from './context.ts';
import { CommandError } from './errors.ts';
import { runTool } from './exec.ts';

export const restart: Handler<'restart'> = async (_args, ctx) => power('restart', ctx);
export const shutdown: Handler<'shutdown'> = async (_args, ctx) => power('shutdown', ctx);

async function power(action: 'restart' | 'shutdown', ctx: CommandContext) {
  if (!ctx.settings.allowPower) {
    throw new CommandError('permission_denied', `${action} is disabled on this agent (start it with --allow-power to permit it)`);
  }
  const argv =
    ctx.platform === 'windows'
      ? ['shutdown', action === 'restart' ? '/r' : '/s', '/t', '0']
      : ['shutdown', action === 'restart' ? '-r' : '-h', 'now'];
  await runTool(argv[0], argv.slice(1), ctx);
  return { data: { action, command: argv.join(' ') } };
}
