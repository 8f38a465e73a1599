import https from 'node:https';

/**
 * How the agent trusts the server over https/wss: the system's CAs by default, or the CA file
 * given with `--ca` (a private CA, a self-signed server certificate). `insecure` turns checking
 * off entirely, for a lab only: anyone on the path can then read and answer as the server.
 */
export interface AgentTls {
  /** PEM of the CA certificate(s) to trust for the server, instead of the system's. */
  ca?: string | Buffer;
  insecure?: boolean;
}

/** The options every https request and wss connection of the agent carries. */
export function tlsRequestOptions(tls: AgentTls | undefined): Pick<https.RequestOptions, 'ca' | 'rejectUnauthorized' | 'minVersion'> {
  return { ...(tls?.ca ? { ca: tls.ca } : {}), rejectUnauthorized: !tls?.insecure, minVersion: 'TLSv1.2' };
}

/** A keep-alive https agent with those options, for file transfers. */
export function httpsAgent(tls: AgentTls | undefined): https.Agent {
  return new https.Agent({ keepAlive: true, ...tlsRequestOptions(tls) });
}
