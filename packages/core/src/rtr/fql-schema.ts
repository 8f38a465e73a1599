import type { FqlField, FqlSchema } from '../fql/index.ts';

const exact: FqlField = { type: 'string', caseInsensitive: false };

/** Properties an RTR session filter or sort may name (Falcon's session field names). */
export const rtrSessionFqlSchema: FqlSchema = {
  table: 'rtr_sessions',
  key: 'id',
  fields: {
    id: exact,
    session_id: { ...exact, column: 'id' },
    device_id: exact,
    aid: { ...exact, column: 'device_id' },
    user_id: { ...exact, column: 'client_id' },
    user_uuid: { ...exact, column: 'client_id' },
    user_name: { type: 'string', column: 'client_name' },
    hostname: { type: 'string' },
    origin: { type: 'string' },
    platform_name: { type: 'string', column: 'platform' },
    batch_id: exact,
    offline_queued: { type: 'boolean' },
    created_at: { type: 'date' },
    updated_at: { type: 'date' },
    deleted_at: { type: 'date', nullable: true },
    // `date_created` is how some vendor examples spell it.
    date_created: { type: 'date', column: 'created_at' },
  },
};
