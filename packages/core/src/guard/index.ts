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

/**
 * The one place every dialect asks "may this happen on this host?". Response policies register
 * their check here; with none registered everything is allowed.
 */
export class ResponseGuard {
  private readonly checks: GuardCheck[] = [];

  register(check: GuardCheck): void {
    this.checks.push(check);
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
}
