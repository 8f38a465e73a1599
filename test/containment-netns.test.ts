import { containmentNetnsSuite } from './support/containment-netns.ts';

/** Containment with nftables (the agent's first choice): its one table, `inet riposte_containment`. */
containmentNetnsSuite({
  name: 'nftables',
  needs: [{ command: 'nft', install: 'nftables' }],
  agentEnv: {},
  rules: (inHost) => {
    const listed = inHost('nft', 'list', 'table', 'inet', 'riposte_containment');
    return listed.status === 0 ? listed.stdout : undefined;
  },
  flush: (inHost) => void inHost('nft', 'delete', 'table', 'inet', 'riposte_containment'),
});
