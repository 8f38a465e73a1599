import type { FqlSchema } from '../fql/index.ts';

/** Properties a response-policy filter or sort may name (the vendor's field names). */
export const responsePolicyFqlSchema: FqlSchema = {
  table: 'response_policies',
  key: 'id',
  fields: {
    id: { type: 'string', caseInsensitive: false },
    name: { type: 'string' },
    description: { type: 'string' },
    platform_name: { type: 'string' },
    enabled: { type: 'boolean', sortable: true },
    precedence: { type: 'number' },
    created_by: { type: 'string' },
    created_timestamp: { type: 'date' },
    modified_by: { type: 'string' },
    modified_timestamp: { type: 'date' },
    groups: { type: 'string', many: { table: 'response_policy_groups', ownerColumn: 'policy_id', valueColumn: 'group_id' }, caseInsensitive: false },
  },
};
