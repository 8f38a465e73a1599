import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import { nowIso } from '../util/ids.ts';

/** The whole stdout of a run/runscript that passed the host's output cap, as the server received it. */
export interface OutputFile {
  sha256: string;
  size: number;
}

/**
 * The whole output of a `run`/`runscript` whose stdout the host cut: a file of the command's
 * session, listed and fetched like a file retrieved with `get` (RTR_ListFilesV2,
 * RTR_GetExtractedFileContents), so the responder gets all of it the way Falcon hands over
 * anything too large to show. Recorded when the result arrives, so the blob is referenced from
 * that moment on.
 */
export class RtrOutputFiles {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records the file for a command of an RTR session; false when the command has no session (nothing to list it in). */
  async record(commandId: string, file: OutputFile): Promise<boolean> {
    const command = await this.db.selectFrom('commands').select(['id', 'name', 'device_id', 'session_id', 'batch_id']).where('id', '=', commandId).executeTakeFirst();
    if (!command?.session_id) return false;
    const session = await this.db.selectFrom('rtr_sessions').select(['client_id']).where('id', '=', command.session_id).executeTakeFirst();
    if (!session) return false;
    const already = await this.db.selectFrom('rtr_files').select('id').where('command_id', '=', commandId).where('sha256', '=', file.sha256).executeTakeFirst();
    if (already) return true;
    const now = nowIso();
    await this.db
      .insertInto('rtr_files')
      .values({
        session_id: command.session_id,
        device_id: command.device_id,
        client_id: session.client_id,
        cloud_request_id: command.id,
        command_id: command.id,
        fanout_id: command.batch_id,
        path: `stdout of ${command.name} ${command.id}`,
        name: outputFileName(command.name, command.id),
        sha256: file.sha256,
        size: file.size,
        status: 'complete',
        error_message: '',
        created_at: now,
        updated_at: now,
        deleted_at: null,
      })
      .execute();
    return true;
  }
}

/** The name the whole output is listed under. */
export function outputFileName(commandName: string, commandId: string): string {
  return `${commandName}-${commandId}.stdout.txt`;
}
