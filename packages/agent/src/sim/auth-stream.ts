import type { IdentityReportFrame } from '@riposte/spec';
import { hash32, Rng } from './prng.ts';
import { SERVERS, type Directory, type DirectoryUser } from './identity-directory.ts';

export type AuthEvent = NonNullable<IdentityReportFrame['events']>[number];
export type AuthProtocol = AuthEvent['protocol'];

/** Where a password-spraying attacker works from: no machine of the domain. */
export const SPRAY_SOURCE = { ip: '10.66.6.6', host: 'UNKNOWN-PC' };
export const SPRAY_ACCOUNTS = 20;

/**
 * The domain's authentications, the same sequence for the same seed: people log on from their
 * own workstation to servers over Kerberos (mostly), NTLM and LDAP, a few mistype passwords,
 * roaming people hop between workstations, stale administrators never appear, and now and then
 * (`sprayEvery` events) an attacker tries one password against many accounts.
 */
export class AuthStream {
  private readonly rng: Rng;
  private readonly active: DirectoryUser[];
  private count = 0;

  constructor(
    private readonly dir: Directory,
    seed: string | number,
    private readonly sprayEvery = 0,
  ) {
    this.rng = new Rng(hash32(`${seed}/auth/${dir.domain}`));
    this.active = dir.users.filter((u) => u.enabled && !u.stale);
  }

  private protocol(): AuthProtocol {
    const r = this.rng.next();
    return r < 0.7 ? 'KERBEROS' : r < 0.9 ? 'NTLM' : 'LDAP';
  }

  /** One authentication of `user` (default: someone active) at `at`. */
  one(at: number, user = this.rng.pick(this.active), source?: number): AuthEvent {
    const home = source ?? (user.roaming && this.rng.chance(0.5) ? this.rng.int(SERVERS.length, this.dir.endpoints.length - 1) : user.home);
    const from = this.dir.endpoints[home];
    const protocol = this.protocol();
    const target = this.dir.endpoints[this.rng.int(0, SERVERS.length - 1)];
    return {
      timestamp: new Date(at).toISOString(),
      user: user.sam,
      source_ip: from.ip,
      source_host: from.hostName,
      target_host: protocol === 'LDAP' ? undefined : target.hostName,
      protocol,
      result: this.rng.chance(0.03) ? 'FAILURE' : 'SUCCESS',
      service: protocol === 'KERBEROS' ? `cifs/${target.hostName.split('.')[0].toLowerCase()}` : undefined,
    };
  }

  /** `n` events spread evenly over [from, to). */
  next(n: number, from: number, to: number): AuthEvent[] {
    const out: AuthEvent[] = [];
    for (let i = 0; i < n; i++) {
      const at = from + Math.floor(((to - from) * i) / Math.max(1, n));
      this.count++;
      if (this.sprayEvery && this.count % this.sprayEvery === 0) out.push(...this.spray(at));
      else out.push(this.one(at));
    }
    return out;
  }

  /** Password spraying: one NTLM failure on each of SPRAY_ACCOUNTS accounts, a second apart. */
  spray(at: number): AuthEvent[] {
    const victims = this.rng.sample(this.dir.users, SPRAY_ACCOUNTS);
    return victims.map((u, i) => ({
      timestamp: new Date(at + i * 1000).toISOString(),
      user: u.sam,
      source_ip: SPRAY_SOURCE.ip,
      source_host: SPRAY_SOURCE.host,
      protocol: 'NTLM' as const,
      result: 'FAILURE' as const,
      reason: 'bad password',
    }));
  }
}
