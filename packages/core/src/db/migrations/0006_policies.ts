import crypto from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './context.ts';
import { newId, nowIso } from '../../util/ids.ts';

/**
 * What the platform defaults start with (a migration keeps its own copy: it must not change when
 * the code's defaults do). As the vendor ships them: remote connection allowed, so responders can
 * investigate with the read-only and active-responder commands; custom scripts and every
 * high-risk command (get, put, run, put-and-run, memdump, xmemdump, Falcon scripts) off until an
 * administrator turns them on.
 */
const DEFAULT_SETTINGS: Record<string, Record<string, boolean>> = {
  Windows: {
    RealTimeFunctionality: true, CustomScripts: false, FalconScripts: false, GetCommand: false, PutCommand: false,
    MemDumpCommand: false, XMemDumpCommand: false, ExecCommand: false, PutAndRunCommand: false,
  },
  Mac: { RealTimeFunctionality: true, CustomScripts: false, GetCommand: false, PutCommand: false, ExecCommand: false, PutAndRunCommand: false },
  Linux: { RealTimeFunctionality: true, CustomScripts: false, GetCommand: false, PutCommand: false, ExecCommand: false },
};
/** Sorts after any real precedence: the default is always last. */
const DEFAULT_PRECEDENCE = 1_000_000_000;

/** Same formula as policies/candidate-sets.ts `candidateSetId` (a test holds them together). */
function candidateSetId(platform: string, policyIds: string[]): string {
  return crypto.createHash('sha256').update(`${platform}|${[...policyIds].sort().join(',')}`).digest('hex').slice(0, 32);
}

/**
 * Response policies, the host groups they are attached to, and each host's effective policy.
 * Every platform's `platform_default` policy is created here, so it exists on a fresh server
 * before anything can ask for it.
 */
export function policies(_ctx: MigrationContext) {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('response_policies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('platform_name', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        // Lowercased name: names are unique per platform, ignoring case.
        .addColumn('name_key', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
        // 1 = highest among the platform's policies; the default sits at DEFAULT_PRECEDENCE.
        .addColumn('precedence', 'integer', (c) => c.notNull())
        // JSON object: setting id -> enabled.
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_timestamp', 'text', (c) => c.notNull())
        .addColumn('modified_by', 'text', (c) => c.notNull())
        .addColumn('modified_timestamp', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('response_policies_name').on('response_policies').columns(['platform_name', 'name_key']).unique().execute();
      await db.schema.createIndex('response_policies_precedence').on('response_policies').columns(['platform_name', 'precedence', 'id']).execute();

      await db.schema
        .createTable('response_policy_groups')
        .addColumn('policy_id', 'text', (c) => c.notNull().references('response_policies.id').onDelete('cascade'))
        // No foreign key: when a group is deleted the policy service still needs to see what was
        // attached to it (to move its former members), and removes the rows itself.
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('attached_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('response_policy_groups_pk', ['policy_id', 'group_id'])
        .execute();
      await db.schema.createIndex('response_policy_groups_group').on('response_policy_groups').columns(['group_id', 'policy_id']).execute();

      // Hosts reach their effective policy through their *candidate set*: the set of the platform's
      // policies attached to any of their groups. A set's `policy_id` is its first enabled policy
      // in precedence order (else the platform default). Precedence and enable/disable changes
      // only re-resolve the few sets; memberships and attachments move hosts between sets. A check
      // and "members of policy X" each stay one indexed lookup.
      await db.schema
        .createTable('response_policy_sets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('platform_name', 'text', (c) => c.notNull())
        .addColumn('policy_id', 'text', (c) => c.notNull().references('response_policies.id'))
        .execute();
      await db.schema.createIndex('response_policy_sets_policy').on('response_policy_sets').columns(['policy_id', 'id']).execute();
      await db.schema.createIndex('response_policy_sets_platform').on('response_policy_sets').columns(['platform_name', 'id']).execute();

      await db.schema
        .createTable('response_policy_set_items')
        .addColumn('set_id', 'text', (c) => c.notNull().references('response_policy_sets.id').onDelete('cascade'))
        .addColumn('policy_id', 'text', (c) => c.notNull().references('response_policies.id'))
        .addPrimaryKeyConstraint('response_policy_set_items_pk', ['set_id', 'policy_id'])
        .execute();
      await db.schema.createIndex('response_policy_set_items_policy').on('response_policy_set_items').columns(['policy_id', 'set_id']).execute();

      await db.schema
        .createTable('hosts_effective_policy')
        .addColumn('device_id', 'text', (c) => c.primaryKey().references('hosts.device_id').onDelete('cascade'))
        .addColumn('platform_name', 'text', (c) => c.notNull())
        // No foreign key: checking one per row made moving 100,000 hosts several times slower on
        // PostgreSQL. The service removes a set only once no host is in it.
        .addColumn('set_id', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('hosts_effective_policy_set').on('hosts_effective_policy').columns(['set_id', 'device_id']).execute();

      const now = nowIso();
      for (const platform_name of Object.keys(DEFAULT_SETTINGS)) {
        const id = newId();
        await db
          .insertInto('response_policies')
          .values({
            id,
            platform_name,
            name: 'platform_default',
            name_key: 'platform_default',
            description: 'Platform default policy',
            enabled: 1,
            is_default: 1,
            precedence: DEFAULT_PRECEDENCE,
            settings: JSON.stringify(DEFAULT_SETTINGS[platform_name]),
            created_by: 'riposte',
            created_timestamp: now,
            modified_by: 'riposte',
            modified_timestamp: now,
          })
          .execute();
        const emptySet = candidateSetId(platform_name, []);
        await db.insertInto('response_policy_sets').values({ id: emptySet, platform_name, policy_id: id }).execute();
        // Hosts that existed before this migration start on their platform's default.
        await sql`
          insert into hosts_effective_policy (device_id, platform_name, set_id)
          select device_id, platform_name, ${emptySet} from hosts where platform_name = ${platform_name}
        `.execute(db);
      }
    },
    async down(db: Kysely<any>) {
      for (const t of ['hosts_effective_policy', 'response_policy_set_items', 'response_policy_sets', 'response_policy_groups', 'response_policies']) await db.schema.dropTable(t).execute();
    },
  };
}
