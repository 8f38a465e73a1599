import { ServiceError } from '../util/errors.ts';

/**
 * What a responder is about to do on a host, in the terms response policies speak.
 * `session` is opening a live-response session; the rest are commands.
 */
export type Capability =
  | 'session'
  | 'command'
  | 'get'
  | 'put'
  | 'run'
  | 'put-and-run'
  | 'custom-script'
  | 'falcon-script'
  | 'memdump'
  | 'xmemdump';

/** The capability an internal command needs when the caller says nothing more specific. */
export function capabilityOf(commandName: string): Capability {
  switch (commandName) {
    case 'get':
      return 'get';
    case 'put':
      return 'put';
    case 'run':
      return 'run';
    case 'runscript':
      return 'custom-script';
    case 'memdump':
      return 'memdump';
    case 'xmemdump':
      return 'xmemdump';
    default:
      return 'command';
  }
}

/** Decides whether a capability is allowed on a host; throws a ServiceError (403) naming why not. */
export type GuardCheck = (deviceId: string, capability: Capability) => Promise<void>;

/** A check over many hosts at once: the refusal of each host that may not, keyed by device id. */
export type BulkGuardCheck = (deviceIds: readonly string[], capability: Capability) => Promise<Map<string, ServiceError>>;

/**
 * The one place every dialect asks "may this happen on this host?". Response policies register
 * their check here; with none registered everything is allowed.
 */
export class ResponseGuard {
  private readonly checks: GuardCheck[] = [];
  private readonly bulkChecks: (BulkGuardCheck | undefined)[] = [];

  /** `bulk`, when given, answers for many hosts at once (what `refusals` uses for fan-outs). */
  register(check: GuardCheck, bulk?: BulkGuardCheck): void {
    this.checks.push(check);
    this.bulkChecks.push(bulk);
  }

  async check(deviceId: string, capability: Capability): Promise<void> {
    for (const c of this.checks) await c(deviceId, capability);
  }

  /** Like check, but answers the refusal instead of throwing it. */
  async refusal(deviceId: string, capability: Capability): Promise<ServiceError | undefined> {
    try {
      await this.check(deviceId, capability);
      return undefined;
    } catch (e) {
      if (e instanceof ServiceError) return e;
      throw e;
    }
  }

  /**
   * The refusals for many hosts (fan-outs of up to 10,000): hosts absent from the map may proceed.
   * Checks run a bounded number of hosts at a time, so a batch costs its slowest few lookups in
   * wall time rather than the sum of all of them.
   */
  async refusals(deviceIds: readonly string[], capability: Capability): Promise<Map<string, ServiceError>> {
    const out = new Map<string, ServiceError>();
    if (this.checks.length === 0) return out;
    const unique = [...new Set(deviceIds)];
    if (this.bulkChecks.every((b) => b !== undefined)) {
      for (const bulk of this.bulkChecks as BulkGuardCheck[]) {
        for (const [id, err] of await bulk(unique.filter((d) => !out.has(d)), capability)) out.set(id, err);
      }
      return out;
    }
    let next = 0;
    const worker = async () => {
      while (next < unique.length) {
        const id = unique[next++];
        const r = await this.refusal(id, capability);
        if (r) out.set(id, r);
      }
    };
    await Promise.all(Array.from({ length: Math.min(GUARD_CONCURRENCY, unique.length) }, worker));
    return out;
  }
}

/** Hosts checked at once by `refusals` (each check is typically one indexed read). */
const GUARD_CONCURRENCY = 8;
