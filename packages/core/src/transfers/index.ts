/**
 * Transfers: one-time, resumable authorisations for an agent to move one file between its host
 * and the blob store over HTTP, so file bytes never travel inside the control channel. The
 * gateway mints a token when it dispatches a get/put/memdump; the agent's HTTP client spends it.
 * `UploadReceiver` is the server's side of an upload: resumable appends, checks, import.
 */
export {
  TransferService,
  type TransferRecord,
  type TransferDirection,
  type TransferCheck,
  type TransferDenial,
  type MintRequest,
  type TransferServiceOptions,
} from './transfer-service.ts';
export {
  UploadReceiver,
  type AppendRequest,
  type AppendOutcome,
  type CompleteOutcome,
  type ResumePoint,
  type UploadClosed,
} from './upload-receiver.ts';
