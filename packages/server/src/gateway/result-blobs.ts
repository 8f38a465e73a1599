/**
 * The server's side of results too large for the control channel (see RESULT_INLINE_MAX_BYTES in
 * the agent protocol): an upload token per result, and the result read back from what the server
 * itself received over that transfer — never a blob the agent merely names.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { AgentResultSchema, OUTPUT_FILE_MAX_BYTES, RESULT_BLOB_MAX_BYTES, type ResultBlobRef } from '@riposte/spec';
import { TERMINAL_STATUSES, type AgentResult, type Core } from '@riposte/core';

const checkResult = TypeCompiler.Compile(AgentResultSchema);

/** The agent's result cannot be accepted; the command ends with an error saying why. */
export class RefusedResult extends Error {}

export interface ResultBlobs {
  /**
   * A token to upload, for a command open on this host, its result (`size` bytes of JSON) or the
   * whole stdout of a run/runscript (`output`); a RefusedResult otherwise.
   */
  mintUpload(commandId: string, deviceId: string, size: number, purpose: 'result' | 'output'): Promise<string>;
  /** The result this host uploaded for this command, checked as an inline result is. */
  read(commandId: string, deviceId: string, ref: ResultBlobRef): Promise<AgentResult>;
  /**
   * A result naming a whole output (`data.full_output`): kept, and recorded as a file of the
   * session, only when it is what this host uploaded for this command; otherwise dropped from the
   * result (with a note), since evidence is never taken on the agent's word.
   */
  withOutput(commandId: string, deviceId: string, result: AgentResult & { ok: true }): Promise<AgentResult>;
  /**
   * A `get` result: its sha256 and size are those of the file this host uploaded for this command,
   * whatever the agent claims; without such an upload the command fails saying so.
   */
  withRetrievedFile(commandId: string, deviceId: string, result: AgentResult & { ok: true }): Promise<AgentResult>;
}

const OUTPUT_COMMANDS = new Set(['run', 'runscript']);

export function resultBlobs(core: Core): ResultBlobs {
  const { transfers, blobs } = core;
  /** The completed upload from this host for this command (of exactly these bytes, when named). */
  const received = async (commandId: string, deviceId: string, ref?: { sha256: string; size: number }) =>
    (await transfers.forCommand(commandId)).find(
      (t) => t.device_id === deviceId && t.direction === 'upload' && t.status === 'complete' && (!ref || (t.sha256 === ref.sha256 && t.size === ref.size)),
    );

  return {
    async mintUpload(commandId, deviceId, size, purpose) {
      const max = purpose === 'output' ? OUTPUT_FILE_MAX_BYTES : RESULT_BLOB_MAX_BYTES;
      const what = purpose === 'output' ? 'whole output' : 'result';
      if (size > max) throw new RefusedResult(`the ${what} (${size} bytes) exceeds the server's ${max}-byte cap`);
      const command = await core.commands.get(commandId);
      if (!command || command.device_id !== deviceId || TERMINAL_STATUSES.includes(command.status)) {
        throw new RefusedResult(`command ${commandId} is not open on this host`);
      }
      if (purpose === 'output' && !OUTPUT_COMMANDS.has(command.name)) throw new RefusedResult(`a ${command.name} command has no output file`);
      const { token } = await transfers.mint({ command_id: commandId, device_id: deviceId, direction: 'upload', size, max_size: size });
      return token;
    },

    async withOutput(commandId, deviceId, result) {
      const { full_output: ref, ...data } = result.data as { full_output?: { sha256?: unknown; size?: unknown; whole?: unknown } };
      const valid = typeof ref === 'object' && ref !== null && typeof ref.sha256 === 'string' && typeof ref.size === 'number';
      const upload = valid ? await received(commandId, deviceId, { sha256: ref.sha256 as string, size: ref.size as number }) : undefined;
      if (!upload) {
        return { ...result, data: { ...data, full_output_error: 'the host named a whole output that it did not upload for this command' } };
      }
      await core.rtr.outputs.record(commandId, { sha256: upload.sha256, size: upload.size });
      return { ...result, data: { ...data, full_output: { sha256: upload.sha256, size: upload.size, whole: ref!.whole !== false } } };
    },

    async withRetrievedFile(commandId, deviceId, result) {
      const upload = await received(commandId, deviceId);
      if (!upload) return { ok: false, error: { code: 'invalid_result', message: 'the host reported a retrieved file that it did not upload for this command' }, cwd: result.cwd };
      return { ...result, data: { ...result.data, sha256: upload.sha256, size: upload.size } };
    },

    async read(commandId, deviceId, ref) {
      const upload = await received(commandId, deviceId, ref);
      if (!upload) throw new RefusedResult(`no upload of ${ref.sha256} (${ref.size} bytes) was received from this host for this command`);
      if (upload.size > RESULT_BLOB_MAX_BYTES) throw new RefusedResult(`the result (${upload.size} bytes) exceeds the server's ${RESULT_BLOB_MAX_BYTES}-byte cap on results`);
      const chunks: Buffer[] = [];
      for await (const chunk of await blobs.open(upload.sha256)) chunks.push(chunk as Buffer);
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        throw new RefusedResult('the uploaded result is not JSON');
      }
      if (!checkResult.Check(parsed)) {
        const first = checkResult.Errors(parsed).First();
        throw new RefusedResult(`the uploaded result is malformed${first ? ` at ${first.path || '/'}: ${first.message}` : ''}`);
      }
      return parsed as AgentResult;
    },
  };
}
