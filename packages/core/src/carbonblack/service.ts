import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { BlobStore } from '../blobs/index.ts';
import type { CommandService } from '../commands/index.ts';
import type { RtrService } from '../rtr/index.ts';
import { getOrCreateSetting } from '../settings.ts';
import { CbApiKeyService } from './api-keys.ts';
import { CbCommands } from './commands.ts';
import { CbDevices } from './devices.ts';
import { CbFiles } from './files.ts';
import { CbSessions } from './sessions.ts';

/** The Carbon Black Live Response model; wired into Core as `core.carbonblack`. */
export class CarbonBlackService {
  readonly apiKeys: CbApiKeyService;
  readonly devices: CbDevices;
  readonly sessions: CbSessions;
  readonly files: CbFiles;
  readonly commands: CbCommands;
  private orgKeyValue?: string;

  constructor(private readonly deps: { db: Kysely<Database>; rtr: RtrService; commands: CommandService; blobs: BlobStore; audit: AuditService; maxUploadBytes?: number }) {
    this.apiKeys = new CbApiKeyService(deps.db);
    this.devices = new CbDevices(deps.db);
    this.sessions = new CbSessions(deps.db, deps.rtr, deps.commands, this.devices, deps.audit);
    this.files = new CbFiles(deps.db, deps.blobs, deps.commands, deps.audit, deps.maxUploadBytes);
    this.commands = new CbCommands(deps.db, deps.rtr, deps.commands, this.sessions, this.files, deps.audit);
  }

  /** The deployment's org key (8 uppercase letters and digits), made once and the same on every replica. */
  async orgKey(): Promise<string> {
    this.orgKeyValue ??= await getOrCreateSetting(this.deps.db, 'cb_org_key', () => {
      const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
      return Array.from(crypto.randomBytes(8), (b) => chars[b % chars.length]).join('');
    });
    return this.orgKeyValue;
  }
}
