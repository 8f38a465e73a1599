import crypto from 'node:crypto';
import https from 'node:https';
import tls from 'node:tls';

/**
 * How the agent trusts the server over https/wss: the system's CAs by default, or the
 * certificates in the file given with `--ca` (a private CA, an intermediate, or the server's own
 * certificate). `insecure` turns checking off entirely, for a lab only: anyone on the path can
 * then read and answer as the server.
 */
export interface AgentTls {
  /** PEM of the certificate(s) to trust for the server, instead of the system's CAs. */
  ca?: string | Buffer;
  /**
   * `ca` is the server's own certificate, reached under another name (the local agent of
   * `riposte start` connects through loopback): that exact certificate is accepted whatever
   * name it carries.
   */
  pinned?: boolean;
  insecure?: boolean;
}

type TlsOptions = Pick<https.RequestOptions, 'ca' | 'rejectUnauthorized' | 'minVersion' | 'checkServerIdentity'> & { allowPartialTrustChain?: boolean };

/** The options every https request and wss connection of the agent carries. */
export function tlsRequestOptions(opts: AgentTls | undefined): TlsOptions {
  const out: TlsOptions = { rejectUnauthorized: !opts?.insecure, minVersion: 'TLSv1.2' };
  if (!opts?.ca) return out;
  // A certificate given with --ca is trusted as it is, even when it is not a root (Node 20.18+).
  Object.assign(out, { ca: opts.ca, allowPartialTrustChain: true });
  if (opts.pinned) {
    const pinned = new Set(certificateFingerprints(opts.ca));
    out.checkServerIdentity = (host, cert) => (pinned.has(cert.fingerprint256) ? undefined : tls.checkServerIdentity(host, cert));
  }
  return out;
}

/** A keep-alive https agent with those options, for file transfers. */
export function httpsAgent(opts: AgentTls | undefined): https.Agent {
  return new https.Agent({ keepAlive: true, ...tlsRequestOptions(opts) });
}

/** SHA-256 fingerprints (as Node prints them) of the PEM certificates in `pem`. */
function certificateFingerprints(pem: string | Buffer): string[] {
  const blocks = String(pem).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new crypto.X509Certificate(b).fingerprint256);
}
