// netstat and ipconfig from the host's profile (the real agent's commands/network-commands.ts).

import { interfaces } from '../network.ts';
import type { Data, Handler } from './call.ts';

export const netstat: Handler = (c) => ({ connections: c.host.processes.connections().map((x) => ({ ...x })) });

export const ipconfig: Handler = (c) => {
  const p = c.host.profile;
  return { interfaces: interfaces(p), dns_servers: [...p.dns_servers], default_gateway: p.gateway };
};

/** A contained host's sockets: only those to the server survive the isolation. */
export function isolatedConnections(data: Data, server: string): Data {
  const connections = (data.connections as { remote_address: string }[]).filter((c) => c.remote_address === server);
  return { ...data, connections };
}
