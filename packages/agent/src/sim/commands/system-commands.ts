// env, getsid and mount (the real agent's commands/system-commands.ts).

import { contentBytes } from '../content.ts';
import { agentEnvironment, mounts, parseGroup, parsePasswd, windowsAccounts } from '../system-info.ts';
import type { Handler } from './call.ts';

export const env: Handler = (c) => ({ variables: agentEnvironment(c.host.profile) });

export const getsid: Handler = (c) => {
  if (c.platform === 'windows') return { ...windowsAccounts(c.host.profile) };
  const text = (path: string) => {
    const e = c.host.fs.stat(path);
    return e?.value.kind === 'file' ? contentBytes(e.value.content).toString('utf8') : '';
  };
  return { users: parsePasswd(text('/etc/passwd')), groups: parseGroup(text('/etc/group')) };
};

export const mount: Handler = (c) => ({ mounts: mounts(c.host.profile, c.host.mappedDrives) });
