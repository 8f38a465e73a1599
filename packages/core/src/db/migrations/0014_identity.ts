import type { Kysely } from 'kysely';

/**
 * Identity Protection: identity sensors, directory entities (users and endpoints) with their
 * groups, the timeline of authentication and policy events, incidents, and policy rules.
 */
export function identity() {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('identity_sensors')
        .addColumn('device_id', 'text', (c) => c.primaryKey())
        .addColumn('hostname', 'text', (c) => c.notNull())
        .addColumn('local_ip', 'text', (c) => c.notNull())
        .addColumn('machine_domain', 'text', (c) => c.notNull())
        .addColumn('os_version', 'text', (c) => c.notNull())
        .addColumn('platform_name', 'text', (c) => c.notNull())
        .addColumn('agent_version', 'text', (c) => c.notNull())
        // DOMAIN_CONTROLLER | LOCAL_ACCOUNTS: what the sensor watches.
        .addColumn('sensor_kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('first_seen', 'text', (c) => c.notNull())
        .addColumn('heartbeat_time', 'text', (c) => c.notNull())
        .addColumn('users_reported', 'integer', (c) => c.notNull())
        .addColumn('events_reported', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('identity_entities')
        .addColumn('entity_id', 'text', (c) => c.primaryKey())
        // USER | ENDPOINT
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('domain', 'text', (c) => c.notNull())
        // Lowercased sAMAccountName (users) or host name (endpoints): unique per type and domain.
        .addColumn('name_key', 'text', (c) => c.notNull())
        .addColumn('sam_account_name', 'text', (c) => c.notNull())
        .addColumn('primary_display_name', 'text', (c) => c.notNull())
        .addColumn('secondary_display_name', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('ou', 'text')
        .addColumn('department', 'text')
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('privileged', 'integer', (c) => c.notNull())
        .addColumn('service_account', 'integer', (c) => c.notNull())
        .addColumn('builtin_admin', 'integer', (c) => c.notNull())
        .addColumn('password_last_set', 'text')
        .addColumn('password_never_expires', 'integer', (c) => c.notNull())
        .addColumn('last_logon', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('host_name', 'text')
        .addColumn('last_ip', 'text')
        .addColumn('os_name', 'text')
        .addColumn('agent_id', 'text')
        .addColumn('source_device_id', 'text', (c) => c.notNull())
        // ACTIVE_DIRECTORY (a domain controller's directory) | LOCAL (a host's own accounts).
        .addColumn('data_source', 'text', (c) => c.notNull())
        .addColumn('watched', 'integer', (c) => c.notNull())
        .addColumn('archived', 'integer', (c) => c.notNull())
        .addColumn('risk_score', 'real', (c) => c.notNull())
        .addColumn('risk_severity', 'text', (c) => c.notNull())
        // JSON array of {type, severity, score, description}.
        .addColumn('risk_factors', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('identity_entities_name').on('identity_entities').columns(['type', 'domain', 'name_key']).unique().execute();
      await db.schema.createIndex('identity_entities_risk').on('identity_entities').columns(['type', 'risk_score', 'entity_id']).execute();
      await db.schema.createIndex('identity_entities_display').on('identity_entities').columns(['type', 'primary_display_name', 'entity_id']).execute();
      await db.schema.createIndex('identity_entities_ip').on('identity_entities').columns(['last_ip']).execute();

      await db.schema
        .createTable('identity_groups')
        .addColumn('group_id', 'text', (c) => c.primaryKey())
        .addColumn('domain', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('privileged', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('identity_groups_name').on('identity_groups').columns(['domain', 'name_key']).unique().execute();
      await db.schema
        .createTable('identity_group_members')
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('identity_group_members_pk', ['group_id', 'entity_id'])
        .execute();
      await db.schema.createIndex('identity_group_members_entity').on('identity_group_members').columns(['entity_id', 'group_id']).execute();

      // Authentications, policy-rule matches and incident notices, in time order.
      await db.schema
        .createTable('identity_events')
        .addColumn('event_id', 'text', (c) => c.primaryKey())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('timestamp', 'text', (c) => c.notNull())
        .addColumn('sensor_device_id', 'text')
        .addColumn('user_entity_id', 'text')
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('domain', 'text', (c) => c.notNull())
        .addColumn('endpoint_entity_id', 'text')
        .addColumn('target_entity_id', 'text')
        .addColumn('source_ip', 'text')
        .addColumn('source_host', 'text')
        .addColumn('target_host', 'text')
        .addColumn('protocol', 'text', (c) => c.notNull())
        // SUCCESS | FAILURE | BLOCKED (authentications); the rule's action for rule matches.
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('service', 'text')
        .addColumn('rule_id', 'text')
        .addColumn('rule_name', 'text')
        .addColumn('simulated', 'integer', (c) => c.notNull())
        .addColumn('incident_id', 'text')
        .addColumn('description', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('identity_events_time').on('identity_events').columns(['timestamp', 'event_id']).execute();
      await db.schema.createIndex('identity_events_user').on('identity_events').columns(['user_entity_id', 'timestamp']).execute();
      await db.schema.createIndex('identity_events_source').on('identity_events').columns(['source_ip', 'timestamp']).execute();

      await db.schema
        .createTable('identity_incidents')
        .addColumn('incident_id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('lifecycle_stage', 'text', (c) => c.notNull())
        .addColumn('start_time', 'text', (c) => c.notNull())
        .addColumn('end_time', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        // What groups repeated detections into one incident (e.g. the spraying source address).
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('rule_id', 'text')
        // JSON arrays: entity ids involved; comments {author, text, timestamp}.
        .addColumn('entity_ids', 'text', (c) => c.notNull())
        .addColumn('comments', 'text', (c) => c.notNull())
        .addColumn('marked_as_read', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('identity_incidents_end').on('identity_incidents').columns(['end_time', 'incident_id']).execute();
      await db.schema.createIndex('identity_incidents_subject').on('identity_incidents').columns(['type', 'subject', 'end_time']).execute();

      await db.schema
        .createTable('identity_policy_rules')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('simulation_mode', 'integer', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('trigger', 'text', (c) => c.notNull())
        // JSON: {activity, destination, sourceEndpoint, sourceUser} as created.
        .addColumn('conditions', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['identity_policy_rules', 'identity_incidents', 'identity_events', 'identity_group_members', 'identity_groups', 'identity_entities', 'identity_sensors']) {
        await db.schema.dropTable(t).execute();
      }
    },
  };
}
