/**
 * The server's side of results too large for the control channel (see RESULT_INLINE_MAX_BYTES in
 * the agent protocol): an upload token per result, and the result read back from what the server
 * itself received over that transfer — never a blob the agent merely names.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { AgentResultSchema, RESULT_BLOB_MAX_BYTES, type ResultBlobRef } from '@riposte/spec';
import type { AgentResult, BlobStore, TransferService } from '@riposte/core';

const checkResult = TypeCompiler.Compile(AgentResultSchema);

/** The agent's result cannot be accepted; the command ends with an error saying why. */
export class RefusedResult extends Error {}

export interface ResultBlobs {
  /** A token to upload a result of `size` bytes for this command, or a refusal. */
  mintUpload(commandId: string, deviceId: string, size: number): Promise<string>;
  /** The result this host uploaded for this command, checked as an inline result is. */
  read(commandId: string, deviceId: string, ref: ResultBlobRef): Promise<AgentResult>;
}

export function resultBlobs(transfers: TransferService, blobs: BlobStore): ResultBlobs {
  return {
    async mintUpload(commandId, deviceId, size) {
      if (size > RESULT_BLOB_MAX_BYTES) throw new RefusedResult(`the result (${size} bytes) exceeds the server's ${RESULT_BLOB_MAX_BYTES}-byte cap on results`);
      const { token } = await transfers.mint({ command_id: commandId, device_id: deviceId, direction: 'upload', size, max_size: size });
      return token;
    },

    async read(commandId, deviceId, ref) {
      const received = (await transfers.forCommand(commandId)).find(
        (t) => t.device_id === deviceId && t.direction === 'upload' && t.status === 'complete' && t.sha256 === ref.sha256 && t.size === ref.size,
      );
      if (!received) throw new RefusedResult(`no upload of ${ref.sha256} (${ref.size} bytes) was received from this host for this command`);
      if (received.size > RESULT_BLOB_MAX_BYTES) throw new RefusedResult(`the result (${received.size} bytes) exceeds the server's ${RESULT_BLOB_MAX_BYTES}-byte cap on results`);
      const chunks: Buffer[] = [];
      for await (const chunk of await blobs.open(received.sha256)) chunks.push(chunk as Buffer);
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
