import type { Static, TObject, TSchema } from '@sinclair/typebox';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Which wire dialect an operation speaks: decides envelope, auth and error shapes. */
export type Dialect = 'falcon' | 'carbonblack' | 'identity' | 'agent' | 'internal';

/**
 * One API operation. Everything the server, the OpenAPI document and the SDK know
 * about an endpoint comes from one of these. The type parameters keep an entry's literal id and
 * its schemas' types (see `defineOperations`), so a handler's input is typed from the registry.
 */
export interface Operation<
  Id extends string = string,
  Q extends TObject | undefined = TObject | undefined,
  P extends TObject | undefined = TObject | undefined,
  B extends TSchema | undefined = TSchema | undefined,
  F extends TObject | undefined = TObject | undefined,
> {
  /** The vendor's operationId (e.g. `QueryDevicesByFilter`, `RTR_InitSession`). */
  operationId: Id;
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
  params?: P;
  query?: Q;
  /** JSON body schema. */
  body?: B;
  /** Form fields (urlencoded or multipart); files are declared in `files`. */
  form?: F;
  /** Multipart file field names this operation accepts. */
  files?: readonly string[];
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

/**
 * A list of operations with each entry's literal operationId and schema types kept (an array
 * typed `Operation[]` would widen them to `string` and `TSchema`).
 */
export function defineOperations<const T extends readonly Operation<string, any, any, any, any>[]>(ops: T): T {
  return ops;
}

/** The TypeBox type of a schema property of an operation; `Empty` when the operation has none. */
type SchemaOf<O, K extends 'query' | 'params' | 'body' | 'form'> = O extends { [P in K]: infer S extends TSchema } ? Static<S> : Empty;
type Empty = Record<string, never>;

/** The validated query string of a call of `O`. */
export type QueryOf<O> = SchemaOf<O, 'query'>;
/** The validated path parameters of a call of `O`. */
export type ParamsOf<O> = SchemaOf<O, 'params'>;
/**
 * The validated body of a call of `O`: its JSON body, or its urlencoded form; undefined for a
 * multipart operation, whose parts the handler streams and validates itself.
 */
export type BodyOf<O> = O extends { body: infer S extends TSchema } ? Static<S> : O extends { files: readonly string[] } ? undefined : O extends { form: infer S extends TSchema } ? Static<S> : undefined;
