import type { IdentityBlock, IdentityReportFrame } from '@riposte/spec';
import type { CommandRequest, CommandResult, ExecutionContext, Executor, Inventory } from '../commands/index.ts';
import { AgentClient, enroll, loadOrEnroll, type AgentIdentity, MemoryJournal, HttpFileTransfers } from '../transport/index.ts';
import { AuthStream, type AuthEvent, type AuthProtocol } from './auth-stream.ts';
import { buildDirectory, type Directory } from './identity-directory.ts';
import { SimulatedExecutor } from './simulated-executor.ts';

export interface SimulatedDomainOptions {
  serverUrl: string;
  enrollToken?: string;
  /** DNS name of the domain, e.g. corp.example. */
  domain: string;
  users: number;
  seed?: string | number;
  /** Steady authentications per second (0: only what `authenticate`/`spray`/`emit` produce). */
  eventsPerSecond?: number;
  /** A password-spraying burst every this many events of the steady stream (0: never). */
  sprayEvery?: number;
  /** Keeps the DC's agent identity across runs. */
  stateDir?: string;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}

/** Frames stay far below the protocol's per-list bounds. */
const CHUNK = 2000;

/** The DC answers RTR like any simulated Windows host; only its name and domain are the domain's. */
class DcExecutor implements Executor {
  readonly platform = 'windows' as const;
  constructor(
    private readonly inner: SimulatedExecutor,
    private readonly hostname: string,
    private readonly domain: string,
  ) {}
  execute(req: CommandRequest, ctx: ExecutionContext): Promise<CommandResult> {
    return this.inner.execute(req, ctx);
  }
  async inventory(): Promise<Inventory> {
    return { ...(await this.inner.inventory()), hostname: this.hostname, machine_domain: this.domain, os_product_name: 'Windows Server 2022' };
  }
}

/**
 * A simulated Active Directory domain controller with an identity sensor: it enrolls as an
 * agent, reports its directory on every connection, reports the domain's authentications in
 * batches, and enforces the blocks the server sends back: a blocked account is refused (reported
 * BLOCKED) from the source it was blocked for.
 */
export class SimulatedDomain {
  readonly directory: Directory;
  readonly stream: AuthStream;
  readonly client: AgentClient;
  /** `user|source` keys (lowercased) the DC refuses. */
  readonly blocked = new Map<string, IdentityBlock>();
  private pending: AuthEvent[] = [];
  private timer?: NodeJS.Timeout;
  private lastTick = Date.now();

  private constructor(
    readonly identity: AgentIdentity,
    private readonly opts: SimulatedDomainOptions,
    executor: Executor,
  ) {
    this.directory = buildDirectory(opts.seed ?? 'riposte', opts.domain, opts.users);
    this.stream = new AuthStream(this.directory, opts.seed ?? 'riposte', opts.sprayEvery ?? 0);
    this.client = new AgentClient({
      identity,
      executor,
      journal: new MemoryJournal(),
      transfers: (tokenFor) => new HttpFileTransfers({ serverUrl: identity.server_url, tokenFor }),
      inventoryEveryMs: 0,
      log: opts.log,
    });
    this.client.on('connected', () => this.sendDirectory());
    this.client.on('identity_blocks', (blocks: IdentityBlock[]) => {
      for (const b of blocks) this.blocked.set(blockKey(b.user, b.source_host ?? b.source_ip ?? ''), b);
    });
  }

  static async start(opts: SimulatedDomainOptions): Promise<SimulatedDomain> {
    const dns = opts.domain.toLowerCase();
    const inner = new SimulatedExecutor({ seed: opts.seed ?? 'riposte', platform: 'windows', index: 0 });
    const executor = new DcExecutor(inner, `DC01.${dns}`, opts.domain.toUpperCase());
    const identity = opts.stateDir
      ? await loadOrEnroll(opts.stateDir, opts.serverUrl, opts.enrollToken, () => executor.inventory())
      : await enroll(opts.serverUrl, requireToken(opts.enrollToken), await executor.inventory());
    const dc = new SimulatedDomain(identity, opts, executor);
    dc.client.start();
    if (opts.eventsPerSecond) dc.timer = setInterval(() => dc.tick(), 1000);
    return dc;
  }

  get deviceId(): string {
    return this.identity.device_id;
  }

  private tick(): void {
    const now = Date.now();
    const n = Math.round(((now - this.lastTick) / 1000) * (this.opts.eventsPerSecond ?? 0));
    if (n > 0) this.emit(this.stream.next(n, this.lastTick, now));
    this.lastTick = now;
    this.flush();
  }

  private frame(part: Omit<IdentityReportFrame, 'domain' | 'kind'>): boolean {
    return this.client.sendIdentity({ domain: this.directory.domain, kind: 'DOMAIN_CONTROLLER', ...part });
  }

  /** The whole directory: groups, then computers, then users in chunks. */
  sendDirectory(): void {
    const d = this.directory;
    this.frame({ groups: d.groups });
    for (let i = 0; i < d.endpoints.length; i += CHUNK) this.frame({ endpoints: d.endpoints.slice(i, i + CHUNK).map((e) => ({ host_name: e.hostName, ip: e.ip, os: e.os })) });
    for (let i = 0; i < d.users.length; i += CHUNK) {
      this.frame({
        users: d.users.slice(i, i + CHUNK).map((u) => ({
          sam_account_name: u.sam, display_name: u.displayName, email: u.email, ou: u.ou, department: u.department, enabled: u.enabled, privileged: u.privileged,
          service_account: u.service, builtin_admin: u.builtinAdmin, password_last_set: u.passwordLastSet, password_never_expires: u.passwordNeverExpires,
          ...(u.lastLogon ? { last_logon: u.lastLogon } : {}), created: u.created, groups: [...new Set(u.groups)],
        })),
      });
    }
  }

  /** Queues events for the next batch, refusing blocked accounts first. */
  emit(events: AuthEvent[]): AuthEvent[] {
    const out = events.map((e) => {
      const rule = this.blocked.get(blockKey(e.user, e.source_host ?? '')) ?? this.blocked.get(blockKey(e.user, e.source_ip ?? ''));
      return rule ? { ...e, result: 'BLOCKED' as const, reason: `blocked by policy rule "${rule.rule_name}"` } : e;
    });
    this.pending.push(...out);
    return out;
  }

  /** One authentication of a named account, from a named workstation (default its own); how the DC answered. */
  authenticate(sam: string, opts: { sourceHost?: string; protocol?: AuthProtocol; fail?: boolean } = {}): AuthEvent {
    const user = this.directory.users.find((u) => u.sam.toLowerCase() === sam.toLowerCase());
    if (!user) throw new Error(`no user ${sam} in ${this.directory.domain}`);
    const source = opts.sourceHost ? this.directory.endpoints.findIndex((e) => e.hostName.toLowerCase().startsWith(opts.sourceHost!.toLowerCase())) : -1;
    const e = this.stream.one(Date.now(), user, source >= 0 ? source : undefined);
    const [out] = this.emit([{ ...e, ...(opts.protocol ? { protocol: opts.protocol } : {}), result: opts.fail ? 'FAILURE' : 'SUCCESS' }]);
    return out;
  }

  /** A password-spraying burst now. */
  spray(): AuthEvent[] {
    return this.emit(this.stream.spray(Date.now()));
  }

  /** Sends what is queued; false while disconnected (kept for the next try). */
  flush(): boolean {
    while (this.pending.length) {
      if (!this.frame({ events: this.pending.slice(0, CHUNK) })) return false;
      this.pending = this.pending.slice(CHUNK);
    }
    return true;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.client.stop();
  }
}

function blockKey(user: string, source: string): string {
  return `${user.toLowerCase()}|${source.toLowerCase()}`;
}

function requireToken(t: string | undefined): string {
  if (!t) throw new Error('an enrollment token is needed to enroll the domain controller');
  return t;
}
