import { describe, expect, it } from 'vitest';
import { assessRisk } from './risk.ts';
import { ruleMatches, type PolicyRuleInput, type RuleSubject } from './rules.ts';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const base = { privileged: false, enabled: true, serviceAccount: false, passwordLastSet: '2026-05-01T00:00:00Z', passwordNeverExpires: false, lastLogon: '2026-05-31T00:00:00Z', failedLast24h: 0, sourcesLast7d: 1 };

describe('risk', () => {
  it('is zero with nothing to explain', () => {
    expect(assessRisk(base, NOW)).toEqual({ score: 0, severity: 'NORMAL', factors: [] });
  });

  it('explains each factor and combines them as independent chances', () => {
    const r = assessRisk({ ...base, privileged: true, lastLogon: '2025-12-01T00:00:00Z', passwordLastSet: '2025-01-01T00:00:00Z', failedLast24h: 6 }, NOW);
    expect(r.factors.map((f) => f.type)).toEqual(['STALE_ACCOUNT', 'AGED_PASSWORD', 'FAILED_AUTHENTICATIONS']);
    expect(r.factors[0].description).toMatch(/not used for 182 days/);
    expect(r.score).toBeCloseTo(1 - (1 - 0.45) * (1 - 0.3) * (1 - 0.3), 3);
    expect(r.severity).toBe('HIGH');
    expect(assessRisk({ ...base, privileged: true, lastLogon: null }, NOW).factors[0].description).toMatch(/never logged on/);
  });

  it('counts unusual endpoints for people, not for service accounts', () => {
    expect(assessRisk({ ...base, sourcesLast7d: 5 }, NOW).factors.map((f) => f.type)).toEqual(['UNUSUAL_ENDPOINTS']);
    expect(assessRisk({ ...base, sourcesLast7d: 5, serviceAccount: true }, NOW).factors).toEqual([]);
  });
});

describe('policy rule conditions', () => {
  const subject: RuleSubject = { protocol: 'NTLM', service: null, userId: 'u1', userGroups: new Set(['g-admins']), sourceId: 'ws1', sourceGroups: new Set(), targetId: 'dc', targetGroups: new Set() };
  const rule = (over: Partial<PolicyRuleInput>): PolicyRuleInput => ({ name: 'r', action: 'BLOCK', trigger: 'access', enabled: true, simulationMode: false, ...over });

  it('treats an empty include as any and lets exclude win', () => {
    expect(ruleMatches(rule({}), subject)).toBe(true);
    expect(ruleMatches(rule({ sourceUser: { entityId: { include: [], exclude: [] } } }), subject)).toBe(true);
    expect(ruleMatches(rule({ sourceUser: { entityId: { include: ['u2'] } } }), subject)).toBe(false);
    expect(ruleMatches(rule({ sourceUser: { groupMembership: { include: ['g-admins'] } } }), subject)).toBe(true);
    expect(ruleMatches(rule({ sourceUser: { groupMembership: { include: ['g-admins'] }, entityId: { exclude: ['u1'] } } }), subject)).toBe(false);
  });

  it('matches protocol, destination and source endpoint', () => {
    expect(ruleMatches(rule({ activity: { accessType: { include: ['KERBEROS'] } } }), subject)).toBe(false);
    expect(ruleMatches(rule({ activity: { accessType: { include: ['NTLM'] } }, destination: { entityId: { include: ['dc'] } } }), subject)).toBe(true);
    expect(ruleMatches(rule({ sourceEndpoint: { entityId: { exclude: ['ws1'] } } }), subject)).toBe(false);
    expect(ruleMatches(rule({ activity: { accessTypeCustom: { include: ['cifs/srv'] } } }), subject)).toBe(false);
  });
});
