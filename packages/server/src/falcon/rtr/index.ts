import type { Core } from '@riposte/core';
import type { SomeFalconHandlers } from '../call.ts';
import { batchHandlers } from './batch.ts';
import { executeHandlers } from './execute.ts';
import { fileHandlers } from './files.ts';
import { sessionResource } from './models.ts';
import { sessionHandlers } from './sessions.ts';

/** Handlers of the Real Time Response operations (spec: falcon/rtr.ts). */
export function rtrHandlers(core: Core) {
  return {
    ...sessionHandlers(core),
    ...executeHandlers(core),
    ...batchHandlers(core),
    ...fileHandlers(core),

    async RTRAuditSessions(call) {
      const q = call.query;
      const page = await core.rtr.auditSessions(q, true);
      return {
        resources: page.sessions.map((s) => sessionResource(s, core.cid, !!q.with_command_info)),
        pagination: { offset: page.offset, limit: page.limit, total: page.total },
      };
    },
  } satisfies SomeFalconHandlers;
}
