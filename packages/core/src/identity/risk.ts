/**
 * Risk of an identity entity, computed from what the sensors reported: each factor that applies
 * adds its weight; factors combine as independent probabilities (1 − Π(1 − wᵢ)) so the score stays
 * in 0..1 and every factor raises it. `riskFactors` explains the score, one entry per factor.
 */

export type RiskSeverity = 'NORMAL' | 'MEDIUM' | 'HIGH';

export interface RiskFactor {
  type: string;
  severity: RiskSeverity;
  score: number;
  description: string;
}

/** What the risk of one user depends on. */
export interface RiskInput {
  privileged: boolean;
  enabled: boolean;
  serviceAccount: boolean;
  passwordLastSet: string | null;
  passwordNeverExpires: boolean;
  lastLogon: string | null;
  /** Failed authentications of the user in the last 24 hours. */
  failedLast24h: number;
  /** Distinct endpoints the user authenticated from in the last 7 days. */
  sourcesLast7d: number;
}

const DAY = 86_400_000;
export const STALE_AFTER_DAYS = 90;
export const AGED_PASSWORD_DAYS = 180;
export const FAILED_LOGONS_THRESHOLD = 5;
export const UNUSUAL_SOURCES_THRESHOLD = 4;

export function severityOf(score: number): RiskSeverity {
  return score >= 0.7 ? 'HIGH' : score >= 0.4 ? 'MEDIUM' : 'NORMAL';
}

export function assessRisk(u: RiskInput, now = Date.now()): { score: number; severity: RiskSeverity; factors: RiskFactor[] } {
  const factors: RiskFactor[] = [];
  const add = (type: string, score: number, description: string) => factors.push({ type, score, severity: severityOf(score), description });
  const daysSince = (iso: string | null) => (iso ? Math.floor((now - Date.parse(iso)) / DAY) : null);

  const idle = daysSince(u.lastLogon);
  if (u.privileged && u.enabled && (idle === null || idle >= STALE_AFTER_DAYS)) {
    add('STALE_ACCOUNT', 0.45, idle === null ? 'privileged account that has never logged on' : `privileged account not used for ${idle} days (over ${STALE_AFTER_DAYS})`);
  }
  const pwdAge = daysSince(u.passwordLastSet);
  if (pwdAge !== null && pwdAge >= AGED_PASSWORD_DAYS) {
    add('AGED_PASSWORD', u.privileged ? 0.3 : 0.15, `password last changed ${pwdAge} days ago (over ${AGED_PASSWORD_DAYS})`);
  }
  if (u.passwordNeverExpires) add('PASSWORD_NEVER_EXPIRES', u.privileged ? 0.25 : 0.1, 'the password is set never to expire');
  if (u.failedLast24h >= FAILED_LOGONS_THRESHOLD) {
    add('FAILED_AUTHENTICATIONS', u.failedLast24h >= 4 * FAILED_LOGONS_THRESHOLD ? 0.5 : 0.3, `${u.failedLast24h} failed authentications in the last 24 hours`);
  }
  if (!u.serviceAccount && u.sourcesLast7d >= UNUSUAL_SOURCES_THRESHOLD) {
    add('UNUSUAL_ENDPOINTS', 0.25, `authenticated from ${u.sourcesLast7d} different endpoints in the last 7 days`);
  }
  const score = Math.round((1 - factors.reduce((p, f) => p * (1 - f.score), 1)) * 1000) / 1000;
  return { score, severity: severityOf(score), factors };
}
