import { openStore, type Store } from './db/index.ts';
import { EventBus } from './events.ts';
import { ApiClientService, EnrollmentTokenService, TokenService } from './auth/index.ts';
import { HostService } from './hosts/index.ts';
import { HostGroupService } from './hostgroups/index.ts';
import { customerId } from './settings.ts';
import { CommandService } from './commands/index.ts';
import { LocalNotifier, PgNotifier, type Notifier } from './notify/index.ts';
import { ResponseGuard } from './guard/index.ts';
import { AuditService } from './audit/index.ts';

export * from './db/index.ts';
export * from './events.ts';
export * from './auth/index.ts';
export * from './hosts/index.ts';
export * from './hostgroups/index.ts';
export * from './commands/index.ts';
export * from './notify/index.ts';
export * from './guard/index.ts';
export * from './audit/index.ts';
export { BatchWriter } from './util/batch-writer.ts';
export * from './util/errors.ts';
export * from './util/ids.ts';
export { hashSecret, verifySecret, constantTimeEqual, tokenDigest } from './util/secrets.ts';
export { FqlError, compileFilter, compileSort, applySort, type FqlSchema, type FqlField } from './fql/index.ts';
export { getOrCreateSetting, customerId } from './settings.ts';

/** Every core service, wired together over one store. */
export interface Core {
  store: Store;
  events: EventBus;
  cid: string;
  apiClients: ApiClientService;
  tokens: TokenService;
  enrollTokens: EnrollmentTokenService;
  hosts: HostService;
  hostGroups: HostGroupService;
  notifier: Notifier;
  /** Response-policy enforcement point shared by every dialect. */
  guard: ResponseGuard;
  audit: AuditService;
  commands: CommandService;
  close(): Promise<void>;
}

export async function createCore(store: Store): Promise<Core> {
  const events = new EventBus();
  const hosts = new HostService(store.db);
  const notifier = store.postgresUrl ? await PgNotifier.connect(store.postgresUrl) : new LocalNotifier();
  const guard = new ResponseGuard();
  const commands = new CommandService(store.db, notifier, guard);
  const core: Core = {
    store,
    events,
    cid: await customerId(store.db),
    apiClients: new ApiClientService(store.db),
    tokens: new TokenService(store.db),
    enrollTokens: new EnrollmentTokenService(store.db),
    hosts,
    hostGroups: new HostGroupService(store.db, hosts, events),
    notifier,
    guard,
    audit: new AuditService(store.db),
    commands,
    async close() {
      await commands.flush();
      await notifier.close();
      await store.close();
    },
  };
  return core;
}

export async function openCore(url: string): Promise<Core> {
  return createCore(await openStore({ url }));
}
