import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import { newId, newSecret, nowIso } from '../util/ids.ts';
import { hashSecret, verifySecret } from '../util/secrets.ts';
import { isConsoleRole, CONSOLE_ROLES, type ConsoleRole } from './roles.ts';

export interface ConsoleUser {
  id: string;
  name: string;
  role: ConsoleRole;
  must_change_password: boolean;
  created_at: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const MIN_PASSWORD = 12;
/** A real hash to verify against when the name is unknown, so both answers take as long. */
let decoyHash: Promise<string> | undefined;

export class ConsoleUserError extends Error {}

/** Local console users; passwords are kept as scrypt hashes (util/secrets.ts). */
export class ConsoleUserService {
  constructor(private readonly db: Kysely<Database>) {}

  /** Create a user; without a password one is generated and returned once. */
  async create(input: { name: string; role: string; password?: string; mustChangePassword?: boolean }): Promise<{ user: ConsoleUser; password: string }> {
    if (!NAME.test(input.name)) throw new ConsoleUserError('a user name is 1-64 letters, digits, dots, @, _ or -, starting with a letter or digit');
    if (!isConsoleRole(input.role)) throw new ConsoleUserError(`unknown role ${JSON.stringify(input.role)}; roles are ${CONSOLE_ROLES.join(', ')}`);
    const password = input.password ?? newSecret(18);
    if (password.length < MIN_PASSWORD) throw new ConsoleUserError(`a password has at least ${MIN_PASSWORD} characters`);
    if (await this.db.selectFrom('console_users').select('id').where('name', '=', input.name).executeTakeFirst()) {
      throw new ConsoleUserError(`a console user named ${input.name} already exists`);
    }
    const row = {
      id: newId(),
      name: input.name,
      role: input.role,
      password_hash: await hashSecret(password),
      must_change_password: input.mustChangePassword ? 1 : 0,
      created_at: nowIso(),
    };
    await this.db.insertInto('console_users').values(row).execute();
    return { user: toUser(row), password };
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('console_users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async get(id: string): Promise<ConsoleUser | undefined> {
    const row = await this.db.selectFrom('console_users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  /** The user whose name and password these are, or undefined: the caller cannot tell which was wrong. */
  async authenticate(name: string, password: string): Promise<ConsoleUser | undefined> {
    if (typeof name !== 'string' || typeof password !== 'string' || name.length > 64 || password.length > 1024) return undefined;
    const row = await this.db.selectFrom('console_users').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) {
      decoyHash ??= hashSecret(newSecret(18));
      await verifySecret(password, await decoyHash);
      return undefined;
    }
    return (await verifySecret(password, row.password_hash)) ? toUser(row) : undefined;
  }

  async setPassword(id: string, password: string): Promise<void> {
    if (password.length < MIN_PASSWORD) throw new ConsoleUserError(`a password has at least ${MIN_PASSWORD} characters`);
    await this.db.updateTable('console_users').set({ password_hash: await hashSecret(password), must_change_password: 0 }).where('id', '=', id).execute();
  }
}

function toUser(row: Database['console_users']): ConsoleUser {
  return { id: row.id, name: row.name, role: row.role as ConsoleRole, must_change_password: !!row.must_change_password, created_at: row.created_at };
}
