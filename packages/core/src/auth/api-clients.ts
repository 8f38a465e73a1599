import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import { hashSecret, verifySecret } from '../util/secrets.ts';
import { newId, newSecret, nowIso } from '../util/ids.ts';
import { badRequest, notFound } from '../util/errors.ts';

export interface ApiClient {
  client_id: string;
  name: string;
  description: string;
  scopes: string[];
  created_at: string;
}

export interface CreatedApiClient extends ApiClient {
  /** Shown once; only its scrypt hash is kept. */
  client_secret: string;
}

const SCOPE_PATTERN = /^[a-z0-9-]+:(read|write)$/;

export class ApiClientService {
  constructor(private readonly db: Kysely<Database>) {}

  async create(input: { name: string; scopes: string[]; description?: string }): Promise<CreatedApiClient> {
    const name = input.name.trim();
    if (!name || name.length > 255) throw badRequest('name must be 1-255 characters');
    const bad = input.scopes.filter((s) => !SCOPE_PATTERN.test(s));
    if (bad.length) throw badRequest(`invalid scope(s): ${bad.join(', ')} (expected name:read or name:write)`);
    const client_secret = newSecret(30);
    const row = {
      client_id: newId(),
      name,
      description: input.description ?? '',
      secret_hash: await hashSecret(client_secret),
      scopes: JSON.stringify([...new Set(input.scopes)].sort()),
      created_at: nowIso(),
    };
    await this.db.insertInto('api_clients').values(row).execute();
    return { ...toClient(row), client_secret };
  }

  async list(): Promise<ApiClient[]> {
    const rows = await this.db.selectFrom('api_clients').selectAll().orderBy('created_at').execute();
    return rows.map(toClient);
  }

  async get(clientId: string): Promise<ApiClient | undefined> {
    const row = await this.db.selectFrom('api_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
    return row && toClient(row);
  }

  async delete(clientId: string): Promise<void> {
    const res = await this.db.deleteFrom('api_clients').where('client_id', '=', clientId).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw notFound(`API client ${clientId} not found`);
  }

  /** The client when id and secret match; undefined otherwise (same time either way as far as scrypt goes). */
  async authenticate(clientId: string, secret: string): Promise<ApiClient | undefined> {
    const row = await this.db.selectFrom('api_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
    // Hash against a dummy when the id is unknown so timing does not reveal which ids exist.
    const ok = await verifySecret(secret, row?.secret_hash ?? DUMMY_HASH);
    return row && ok ? toClient(row) : undefined;
  }
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

function toClient(row: Database['api_clients']): ApiClient {
  return {
    client_id: row.client_id,
    name: row.name,
    description: row.description,
    scopes: JSON.parse(row.scopes) as string[],
    created_at: row.created_at,
  };
}
