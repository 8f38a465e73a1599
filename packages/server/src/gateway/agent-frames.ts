import { TypeCompiler } from '@sinclair/typebox/compiler';
import { AgentMessageSchema, MAX_FRAME_DEPTH, jsonDeeperThan, type AgentMessage } from '@riposte/spec';

const checkMessage = TypeCompiler.Compile(AgentMessageSchema);

/** One WebSocket frame from an agent: a valid message, or why it is refused. */
export type AgentFrame =
  | { ok: true; msg: AgentMessage }
  /** `resultId`: the frame parsed as a `result` whose command it names, so that result can be refused once. */
  | { ok: false; message: string; resultId?: string };

/** Reads and validates one frame against the agent protocol (spec: agent-protocol.ts). */
export function readAgentFrame(data: Buffer, isBinary: boolean): AgentFrame {
  if (isBinary) return { ok: false, message: 'binary frames are not part of the protocol' };
  // Before parsing: a frame nested thousands of levels deep is refused for the cost of reading its first bytes.
  if (jsonDeeperThan(data, MAX_FRAME_DEPTH)) return { ok: false, message: `invalid message: nested deeper than ${MAX_FRAME_DEPTH} levels` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
  if (!checkMessage.Check(parsed)) {
    const first = checkMessage.Errors(parsed).First();
    return { ok: false, message: `invalid message${first ? ` at ${first.path}: ${first.message}` : ''}`, resultId: resultIdOf(parsed) };
  }
  return { ok: true, msg: parsed };
}

/** The id of a parsed `result` frame that failed validation, when it is legible. */
function resultIdOf(v: unknown): string | undefined {
  const f = v as { t?: unknown; id?: unknown } | null | undefined;
  return f && typeof f === 'object' && f.t === 'result' && typeof f.id === 'string' && f.id.length > 0 && f.id.length <= 64 ? f.id : undefined;
}
