// restart and shutdown (the real agent's commands/power.ts): they only mark the host, and the
// fleet takes it offline (sim/fleet/runtime.ts).

import type { Call, Data, Handler } from './call.ts';

export const restart: Handler = (c) => power(c, 'restart');
export const shutdown: Handler = (c) => power(c, 'shutdown');

/** The real agent's data plus `scheduled`. */
function power(c: Call, action: 'restart' | 'shutdown'): Data {
  c.host.pendingPower = action;
  const command = c.platform === 'windows' ? `shutdown ${action === 'restart' ? '/r' : '/s'} /t 0` : `shutdown ${action === 'restart' ? '-r' : '-h'} now`;
  return { action, command, scheduled: true };
}
