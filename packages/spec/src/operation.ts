import type { TObject, TSchema } from '@sinclair/typebox';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Which wire dialect an operation speaks: decides envelope, auth and error shapes. */
export type Dialect = 'falcon' | 'carbonblack' | 'identity' | 'agent' | 'internal';

/**
 * One API operation. Everything the server, the OpenAPI document and the SDK know
 * about an endpoint comes from one of these.
 */
export interface Operation {
  /** The vendor's operationId (e.g. `QueryDevicesByFilter`, `RTR_InitSession`). */
  operationId: string;
  /** The vendor's service collection (e.g. `Hosts`, `RealTimeResponse`). */
  collection: string;
  dialect: Dialect;
  method: HttpMethod;
  /** Path in Fastify syntax: `/sessions/:session_id`. */
  path: string;
  /**
   * Falcon: the OAuth2 scope required (`devices:read`); null for the OAuth2 endpoints.
   * Carbon Black: the RBAC permission (`org.liveresponse.session`).
   */
  scope: string | null;
  summary: string;
  params?: TObject;
  query?: TObject;
  /** JSON body schema. */
  body?: TSchema;
  /** Form fields (urlencoded or multipart); files are declared in `files`. */
  form?: TObject;
  /** Multipart file field names this operation accepts. */
  files?: string[];
  /** Status of a successful answer. */
  successStatus: number;
  /** Schema of one element of `resources` (Falcon) or of the body (Carbon Black); documentation only. */
  response?: TSchema;
  /** Content type of a non-JSON success body (file downloads). */
  produces?: string;
}

/** Query parameters declared as arrays accept repeated keys and comma-separated lists. */
export function arrayQueryParams(op: Operation): string[] {
  const props = op.query?.properties ?? {};
  return Object.entries(props)
    .filter(([, s]) => (s as TSchema).type === 'array')
    .map(([k]) => k);
}
