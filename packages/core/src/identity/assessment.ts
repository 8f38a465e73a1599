import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import { badRequest } from '../util/errors.ts';
import type { RiskFactor } from './risk.ts';

export interface AssessmentFactor {
  riskFactorType: string;
  severity: string;
  /** Share of the domain's enabled users the factor applies to (0..1). */
  likelihood: number;
  affectedEntities: number;
}

export interface SecurityAssessment {
  domain: string;
  /** 0..100, higher is better: 100 × (1 − mean risk of the domain's enabled users). */
  overallScore: number;
  overallScoreLevel: 'GOOD' | 'AVERAGE' | 'POOR';
  assessmentFactors: AssessmentFactor[];
}

const SEVERITY_ORDER = ['NORMAL', 'MEDIUM', 'HIGH'];

/** The domain-level assessment, from the stored risk of every enabled user of the domain. */
export async function assessDomain(db: Kysely<Database>, domain?: string): Promise<SecurityAssessment> {
  let d = domain?.toUpperCase();
  if (!d) {
    const top = await db.selectFrom('identity_entities').select(['domain', (eb) => eb.fn.countAll<number>().as('n')]).where('type', '=', 'USER').groupBy('domain').orderBy('n', 'desc').orderBy('domain').executeTakeFirst();
    if (!top) throw badRequest('no identity data yet: no domain to assess');
    d = top.domain;
  }
  const users = await db.selectFrom('identity_entities').select(['risk_score', 'risk_factors']).where('type', '=', 'USER').where('domain', '=', d).where('enabled', '=', 1).execute();
  if (!users.length) throw badRequest(`unknown domain "${domain}"`);
  const byType = new Map<string, { n: number; severity: string }>();
  let sum = 0;
  for (const u of users) {
    sum += Number(u.risk_score);
    for (const f of JSON.parse(u.risk_factors) as RiskFactor[]) {
      const cur = byType.get(f.type) ?? { n: 0, severity: 'NORMAL' };
      cur.n++;
      if (SEVERITY_ORDER.indexOf(f.severity) > SEVERITY_ORDER.indexOf(cur.severity)) cur.severity = f.severity;
      byType.set(f.type, cur);
    }
  }
  const overallScore = Math.round(100 * (1 - sum / users.length));
  return {
    domain: d,
    overallScore,
    overallScoreLevel: overallScore >= 80 ? 'GOOD' : overallScore >= 50 ? 'AVERAGE' : 'POOR',
    assessmentFactors: [...byType]
      .map(([riskFactorType, v]) => ({ riskFactorType, severity: v.severity, likelihood: Math.round((v.n / users.length) * 1000) / 1000, affectedEntities: v.n }))
      .sort((a, b) => b.affectedEntities - a.affectedEntities || a.riskFactorType.localeCompare(b.riskFactorType)),
  };
}
