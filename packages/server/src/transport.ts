import fs from 'node:fs';
import net from 'node:net';
import type { SecureContextOptions } from 'node:tls';

/** TLS for the API and the agent WebSocket, on one port. */
export interface ServerTls {
  /** PEM certificate chain file (the server's certificate first). */
  certFile: string;
  /** PEM private key file. */
  keyFile: string;
}

/** Whether `host` is an address only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}

/**
 * Refuses a plain-HTTP listener that other machines can reach: agent secrets, bearer tokens and
 * evidence would cross the network in clear text.
 */
export function checkTransport(host: string, tls: ServerTls | undefined, allowPlaintext: boolean): void {
  if (tls || allowPlaintext || isLoopbackHost(host)) return;
  throw new Error(
    `refusing to listen on ${host} without TLS: agent secrets, API tokens and evidence would cross the network in clear text. ` +
      'Give --tls-cert FILE and --tls-key FILE, or --allow-plaintext when a TLS-terminating proxy on this machine or a private network carries the traffic (docs/deploy.md).',
  );
}

/** Node's TLS server options from the files, TLS 1.2 at least; errors name the file. */
export function readTls(tls: ServerTls): SecureContextOptions & { minVersion: 'TLSv1.2' } {
  const read = (file: string, what: string) => {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new Error(`cannot read the TLS ${what} ${file}: ${(err as Error).message}`);
    }
  };
  return { cert: read(tls.certFile, 'certificate'), key: read(tls.keyFile, 'key'), minVersion: 'TLSv1.2' };
}
