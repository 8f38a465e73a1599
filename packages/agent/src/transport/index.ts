/**
 * The agent's link to the server: `AgentClient` holds the WebSocket (commands in, results out,
 * with the journal that keeps a result across restarts, and results too large for a frame sent
 * over HTTP); `HttpFileTransfers` moves get/put bytes; enrollment and the saved identity
 * (`loadOrEnroll`, `postJson` for the enrollment call); TLS options for all of them.
 */
export { AgentClient, type AgentClientOptions } from './agent-client.ts';
export { FileJournal, MemoryJournal, type Journal } from './journal.ts';
export { enroll, loadIdentity, loadOrEnroll, postJson, saveIdentity, type AgentIdentity } from './identity.ts';
export { HttpFileTransfers } from './http-transfers.ts';
export { httpsAgent, tlsRequestOptions, type AgentTls } from './tls.ts';
