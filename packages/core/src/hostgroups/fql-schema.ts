import type { FqlSchema } from '../fql/index.ts';

export const hostGroupFqlSchema: FqlSchema = {
  table: 'host_groups',
  key: 'id',
  fields: {
    id: { type: 'string', caseInsensitive: false },
    name: { type: 'string' },
    description: { type: 'string' },
    group_type: { type: 'string' },
    assignment_rule: { type: 'string' },
    created_by: { type: 'string' },
    created_timestamp: { type: 'date' },
    modified_by: { type: 'string' },
    modified_timestamp: { type: 'date' },
  },
};
