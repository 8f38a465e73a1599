export * from './commands/types.ts';
export { OsExecutor } from './commands/os-executor.ts';
export { AgentClient, type AgentClientOptions } from './transport/agent-client.ts';
export { FileJournal, MemoryJournal, type Journal } from './transport/journal.ts';
export { enroll, loadIdentity, loadOrEnroll, saveIdentity, type AgentIdentity } from './transport/identity.ts';
export { HttpFileTransfers } from './transport/http-transfers.ts';
export { runAgent, type RunAgentOptions, type RunningAgent } from './run-agent.ts';
export { AGENT_VERSION } from './version.ts';
