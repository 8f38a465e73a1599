/**
 * The audit trail: who did what to which object, when, with before/after where a thing changed.
 * Written in the same transaction as the change where the caller passes one.
 */
export { AuditService, type AuditEvent, type AuditInput } from './audit-service.ts';
