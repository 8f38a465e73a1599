import { isValidTag, type Core } from '@riposte/core';

/** The one tag namespace an agent may report into; the others (FalconGroupingTags/…) are the API's. */
const AGENT_NAMESPACE = 'SensorGroupingTags/';

/**
 * The tags an agent asks to carry: a bare name goes into SensorGroupingTags/, a tag already there
 * is kept, and anything in another namespace or not a valid tag (as the API checks tags) is
 * refused, so that a host cannot place itself into groups and policies driven by other tags.
 */
export function agentTags(reported: readonly string[]): { accepted: string[]; refused: string[] } {
  const accepted: string[] = [];
  const refused: string[] = [];
  for (const tag of reported) {
    const full = tag.includes('/') ? tag : AGENT_NAMESPACE + tag;
    if (full.startsWith(AGENT_NAMESPACE) && full.length > AGENT_NAMESPACE.length && isValidTag(full)) accepted.push(full);
    else refused.push(tag);
  }
  return { accepted, refused };
}

/** Records that a host's agent reported tags it may not carry (they were left out). */
export async function auditRefusedTags(core: Core, deviceId: string, refused: readonly string[]): Promise<void> {
  if (refused.length === 0) return;
  await core.audit.record({
    actor: { id: `agent:${deviceId}`, name: 'agent' },
    action: 'agent.tags_refused',
    target_type: 'host',
    target_id: deviceId,
    device_id: deviceId,
    details: { tags: refused.slice(0, 100).map((t) => t.slice(0, 256)), reason: `agents may only report ${AGENT_NAMESPACE}* tags` },
  });
}
