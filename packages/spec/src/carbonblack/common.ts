import { Type } from '@sinclair/typebox';

/** Where the Carbon Black dialect lives; every operation path starts here. */
export const CB_ORG_PREFIX = '/appservices/v6/orgs/:org_key';
export const CB_LR_PREFIX = `${CB_ORG_PREFIX}/liveresponse`;

export const OrgKey = Type.String({ minLength: 1, maxLength: 64, description: 'The organisation key' });
/** `{n}:{device_id}`; checked by the handler so a malformed one answers the dialect's 404. */
export const SessionId = Type.String({ minLength: 1, maxLength: 64 });
export const OrgParams = Type.Object({ org_key: OrgKey }, { additionalProperties: false });
export const SessionParams = Type.Object({ org_key: OrgKey, session_id: SessionId }, { additionalProperties: false });

/** The error envelope of every Carbon Black operation. */
export const CbError = Type.Object({ success: Type.Literal(false), message: Type.String(), error_code: Type.String() });
