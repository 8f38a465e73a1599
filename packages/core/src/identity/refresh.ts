import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import { chunked } from './chunks.ts';
import { assessRisk } from './risk.ts';

const DAY = 86_400_000;

/** Recomputes and stores the risk of users from their directory data and their recent authentications. */
export class RiskRefresher {
  constructor(private readonly db: Kysely<Database>) {}

  async refresh(userIds: readonly string[], now = Date.now()): Promise<void> {
    const dayAgo = new Date(now - DAY).toISOString();
    const weekAgo = new Date(now - 7 * DAY).toISOString();
    await chunked(userIds, async (ids) => {
      const users = await this.db
        .selectFrom('identity_entities')
        .select(['entity_id', 'privileged', 'enabled', 'service_account', 'password_last_set', 'password_never_expires', 'last_logon', 'risk_score', 'risk_factors'])
        .where('entity_id', 'in', ids)
        .where('type', '=', 'USER')
        .execute();
      const failed = await this.db
        .selectFrom('identity_events')
        .select(['user_entity_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('user_entity_id', 'in', ids)
        .where('timestamp', '>=', dayAgo)
        .where('event_type', '=', 'FAILED_AUTHENTICATION')
        .groupBy('user_entity_id')
        .execute();
      const sources = await this.db
        .selectFrom('identity_events')
        .select(['user_entity_id', sql<number>`count(distinct coalesce(endpoint_entity_id, source_host, source_ip))`.as('n')])
        .where('user_entity_id', 'in', ids)
        .where('timestamp', '>=', weekAgo)
        .where('event_type', '=', 'SUCCESSFUL_AUTHENTICATION')
        .groupBy('user_entity_id')
        .execute();
      const failedBy = new Map(failed.map((r) => [r.user_entity_id, Number(r.n)]));
      const sourcesBy = new Map(sources.map((r) => [r.user_entity_id, Number(r.n)]));
      for (const u of users) {
        const risk = assessRisk(
          {
            privileged: u.privileged === 1, enabled: u.enabled === 1, serviceAccount: u.service_account === 1, passwordLastSet: u.password_last_set,
            passwordNeverExpires: u.password_never_expires === 1, lastLogon: u.last_logon, failedLast24h: failedBy.get(u.entity_id) ?? 0, sourcesLast7d: sourcesBy.get(u.entity_id) ?? 0,
          },
          now,
        );
        const factors = JSON.stringify(risk.factors);
        if (risk.score === Number(u.risk_score) && factors === u.risk_factors) continue;
        await this.db.updateTable('identity_entities').set({ risk_score: risk.score, risk_severity: risk.severity, risk_factors: factors }).where('entity_id', '=', u.entity_id).execute();
      }
    });
  }
}
