import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';

/** How often the hosts page asks for the online state of the rows it shows. */
export const ONLINE_POLL_MS = 5_000;

/**
 * The live online state of the hosts shown (`online`, `offline`, `unknown`), polled with
 * GetOnlineState_V1. A poll of at most one page of ids is one indexed query on the server and
 * uses the same operation and scope as any API client; a server-sent stream would need an
 * endpoint outside the registry and a listener per browser on every replica.
 */
export function useOnlineState(ids: string[]): Map<string, string> {
  const [states, setStates] = useState(new Map<string, string>());
  const key = ids.join(',');
  useEffect(() => {
    if (!ids.length) return;
    let live = true;
    const poll = async () => {
      try {
        const r = await api.getOnlineStateV1({ query: { ids } });
        if (live) setStates(new Map(r.resources.map((s) => [s.id, s.state])));
      } catch {
        // The next poll tries again; a signed-out session is handled by the API layer.
      }
    };
    void poll();
    const timer = setInterval(poll, ONLINE_POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [key]);
  return states;
}
