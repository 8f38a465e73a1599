import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from './db/index.ts';
import { EventBus } from './events.ts';
import { ApiClientService, EnrollmentTokenService, TokenService } from './auth/index.ts';
import { AgentRevocations, HostDeletion, HostService } from './hosts/index.ts';
import { ContainmentService } from './containment/index.ts';
import { ConsoleSessionService, ConsoleUserService } from './console/index.ts';
import { HostGroupService } from './hostgroups/index.ts';
import { customerId } from './settings.ts';
import { CommandService } from './commands/index.ts';
import { LocalNotifier, PgNotifier, type Notifier } from './notify/index.ts';
import { ResponseGuard } from './guard/index.ts';
import { AuditService } from './audit/index.ts';
import { BlobCollector, createFsBlobStore, type BlobStore } from './blobs/index.ts';
import { RtrLibraryService, type RtrLibraryOptions } from './rtr-library/index.ts';
import { AggregationEngine } from './aggregations/index.ts';
import { ResponsePolicyService } from './policies/index.ts';
import { RtrService } from './rtr/index.ts';
import { TransferService, UploadReceiver } from './transfers/index.ts';
import { LogSink } from './util/log.ts';
import { CarbonBlackService } from './carbonblack/index.ts';
import { IdentityService } from './identity/index.ts';

export * from './db/index.ts';
export * from './actor.ts';
export * from './platform.ts';
export * from './events.ts';
export * from './auth/index.ts';
export * from './console/index.ts';
export * from './hosts/index.ts';
export * from './containment/index.ts';
export * from './hostgroups/index.ts';
export * from './commands/index.ts';
export * from './notify/index.ts';
export * from './guard/index.ts';
export * from './audit/index.ts';
export * from './blobs/index.ts';
export * from './rtr-library/index.ts';
export * from './policies/index.ts';
export * from './rtr/index.ts';
export * from './aggregations/index.ts';
export * from './transfers/index.ts';
export * from './identity/index.ts';
export * from './carbonblack/index.ts';
export { BatchWriter, BatchWriterFullError } from './util/batch-writer.ts';
export { LogSink, type CoreLog } from './util/log.ts';
export * from './util/errors.ts';
export * from './util/ids.ts';
export { hashSecret, verifySecret, constantTimeEqual, tokenDigest } from './util/secrets.ts';
export { FqlError, compileFilter, compileSort, applySort, parseFqlDate, type FqlSchema, type FqlField } from './fql/index.ts';
export { getOrCreateSetting, customerId } from './settings.ts';

/** Every core service, wired together over one store. */
export interface Core {
  store: Store;
  events: EventBus;
  cid: string;
  /** Where core's parts log (a failed subscriber, a failed transfer); the server attaches its logger. */
  log: LogSink;
  apiClients: ApiClientService;
  tokens: TokenService;
  enrollTokens: EnrollmentTokenService;
  /** Revoked agent identities; gateways close their sockets. */
  agentRevocations: AgentRevocations;
  /** Web console users and their sessions. */
  consoleUsers: ConsoleUserService;
  consoleSessions: ConsoleSessionService;
  hosts: HostService;
  /** Permanent deletion of hidden hosts (their agents revoked). */
  hostDeletion: HostDeletion;
  hostGroups: HostGroupService;
  /** Network containment requests, agents' answers, and the allow-list. */
  containment: ContainmentService;
  notifier: Notifier;
  /** Response-policy enforcement point shared by every dialect. */
  guard: ResponseGuard;
  /** Response policies; their check is registered with `guard`. */
  responsePolicies: ResponsePolicyService;
  audit: AuditService;
  commands: CommandService;
  /** Content-addressed file storage (put-files, scripts, retrieved files). */
  blobs: BlobStore;
  /** Removes blobs nothing refers to any more (started by the server). */
  blobCollector: BlobCollector;
  /** One-time tokens for the file bytes of get/put, streamed over HTTP. */
  transfers: TransferService;
  /** This process's side of agents' resumable uploads (one request per transfer at a time); closed with core. */
  uploads: UploadReceiver;
  /** Put-files, custom scripts and built-in scripts for RTR. */
  rtrLibrary: RtrLibraryService;
  /** Falcon aggregate queries over any FqlSchema-described table. */
  aggregations: AggregationEngine;
  /** Live-response sessions, batches, command log and retrieved files (Falcon RTR). */
  rtr: RtrService;
  /** Carbon Black Live Response: API keys, device sessions, commands and files on the same engine. */
  carbonblack: CarbonBlackService;
  /** Identity Protection: sensors' directories and authentications, risk, incidents, policy rules. */
  identity: IdentityService;
  close(): Promise<void>;
}

export interface CoreOptions {
  /** Blob store directory; the server passes DATA/blobs. Default: a fresh temporary directory (tests, tools), removed on close. */
  blobDir?: string;
  rtrLibrary?: RtrLibraryOptions;
  /** Largest upload to a Carbon Black session, bytes (default 512 MiB). */
  cbMaxUploadBytes?: number;
}

export async function createCore(store: Store, opts: CoreOptions = {}): Promise<Core> {
  const audit = new AuditService(store.db);
  // Without a blob directory (tests, tools) the blobs live in a temporary one, removed on close.
  const ownBlobDir = opts.blobDir ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-blobs-'));
  const blobs = createFsBlobStore(opts.blobDir ?? ownBlobDir!);
  const events = new EventBus();
  const log = new LogSink();
  const hosts = new HostService(store.db, log);
  const notifier = store.postgresUrl ? await PgNotifier.connect(store.postgresUrl, log) : new LocalNotifier(log);
  const guard = new ResponseGuard();
  const commands = new CommandService(store.db, notifier, guard, log);
  const transfers = new TransferService(store.db, blobs, { log });
  const core: Core = {
    store,
    events,
    cid: await customerId(store.db),
    log,
    apiClients: new ApiClientService(store.db),
    tokens: new TokenService(store.db),
    enrollTokens: new EnrollmentTokenService(store.db, audit),
    agentRevocations: new AgentRevocations(store.db, audit),
    consoleUsers: new ConsoleUserService(store.db),
    consoleSessions: new ConsoleSessionService(store.db),
    hosts,
    hostDeletion: new HostDeletion(store.db, audit),
    hostGroups: new HostGroupService(store.db, hosts, events),
    containment: new ContainmentService(store.db, notifier),
    responsePolicies: new ResponsePolicyService(store, audit),
    notifier,
    guard,
    audit,
    blobs,
    blobCollector: new BlobCollector(store.db, blobs),
    transfers,
    uploads: new UploadReceiver(transfers, blobs),
    rtrLibrary: new RtrLibraryService({ db: store.db, blobs, audit }, opts.rtrLibrary),
    aggregations: new AggregationEngine(store.db, store.adapter),
    rtr: new RtrService({ db: store.db, commands, guard, audit, notifier }),
    carbonblack: undefined as unknown as CarbonBlackService,
    identity: new IdentityService(store.db),
    commands,
    async close() {
      core.blobCollector.stop();
      core.rtr.close();
      await core.uploads.close();
      await commands.flush();
      await core.responsePolicies.close();
      await notifier.close();
      await store.close();
      if (ownBlobDir) fs.rmSync(ownBlobDir, { recursive: true, force: true });
    },
  };
  core.carbonblack = new CarbonBlackService({ db: store.db, rtr: core.rtr, commands, blobs, audit, maxUploadBytes: opts.cbMaxUploadBytes });
  // Change hooks, in the order they run on a host change: dynamic groups take or drop the host
  // first, then response policies place it (its groups decide its policy).
  core.hostGroups.subscribe();
  core.responsePolicies.subscribe(hosts, events);
  guard.register(
    (deviceId, capability) => core.responsePolicies.check(deviceId, capability),
    (deviceIds, capability) => core.responsePolicies.checkMany(deviceIds, capability),
  );
  await core.responsePolicies.start();
  return core;
}

export async function openCore(url: string): Promise<Core> {
  return createCore(await openStore({ url }));
}
