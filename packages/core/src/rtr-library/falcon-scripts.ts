import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import { queryIds } from '../fql/index.ts';
import { falconScriptCatalog } from './falcon-scripts/catalog.ts';
import { pageOf } from './entries.ts';
import { falconScriptFqlSchema } from './fql-schema.ts';
import { MAX_LIST_LIMIT, type FalconScript, type FalconScriptLibrary, type LibraryPage, type ListQuery } from './index.ts';

/**
 * The built-in scripts. Reads come from the catalog in memory; FQL list queries run against a
 * table index that each process rewrites from its catalog on first use (idempotent, so replicas
 * of the same version agree).
 */
export class FalconScriptService implements FalconScriptLibrary {
  private synced?: Promise<void>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly catalog: () => readonly FalconScript[] = falconScriptCatalog,
  ) {}

  async list(query: ListQuery): Promise<LibraryPage> {
    await (this.synced ??= this.sync().catch((err) => {
      this.synced = undefined;
      throw err;
    }));
    return queryIds(this.db.selectFrom('rtr_falcon_scripts'), falconScriptFqlSchema, { ...query, ...pageOf(query, MAX_LIST_LIMIT) }, 'name.asc');
  }

  async getMany(ids: readonly string[]): Promise<FalconScript[]> {
    const byId = new Map(this.catalog().map((s) => [s.id, s]));
    return [...new Set(ids)].map((id) => byId.get(id)).filter((s): s is FalconScript => !!s);
  }

  async getByName(name: string): Promise<FalconScript | undefined> {
    const key = name.trim().toLowerCase();
    return this.catalog().find((s) => s.name.toLowerCase() === key);
  }

  /** Upsert, then drop what this version no longer ships: safe when replicas sync at once. */
  private async sync(): Promise<void> {
    const rows = this.catalog().map((s) => ({
      id: s.id,
      name: s.name,
      description: s.description,
      platform: s.platform[0],
      use_case: s.use_case,
      sha256: s.sha256,
      size: s.size,
      is_disruptive: s.is_disruptive ? 1 : 0,
      modifies_system: s.modifies_system ? 1 : 0,
      created_timestamp: s.created_timestamp,
      modified_timestamp: s.modified_timestamp,
    }));
    await this.db
      .insertInto('rtr_falcon_scripts')
      .values(rows)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          description: eb.ref('excluded.description'),
          platform: eb.ref('excluded.platform'),
          use_case: eb.ref('excluded.use_case'),
          sha256: eb.ref('excluded.sha256'),
          size: eb.ref('excluded.size'),
          is_disruptive: eb.ref('excluded.is_disruptive'),
          modifies_system: eb.ref('excluded.modifies_system'),
          created_timestamp: eb.ref('excluded.created_timestamp'),
          modified_timestamp: eb.ref('excluded.modified_timestamp'),
        })),
      )
      .execute();
    await this.db.deleteFrom('rtr_falcon_scripts').where('id', 'not in', rows.map((r) => r.id)).execute();
  }
}
