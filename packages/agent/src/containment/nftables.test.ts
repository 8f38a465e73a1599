import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Containment } from './index.ts';
import { containmentScript } from './nftables.ts';

describe('containment rules', () => {
  afterEach(() => {
    delete process.env.RIPOSTE_NFT;
    delete process.env.RIPOSTE_IPTABLES;
  });

  it('replaces one table: loopback, the server connection and the allow-list pass, all else drops', () => {
    const script = containmentScript({ server: { addresses: ['10.1.2.3', 'fd00::3'], port: 8443 }, allow: ['192.0.2.0/24', '2001:db8::/32'] });
    expect(script.split('\n').slice(0, 3)).toEqual(['table inet riposte_containment', 'delete table inet riposte_containment', 'table inet riposte_containment {']);
    expect(script).toContain('type filter hook input priority -100; policy drop;');
    expect(script).toContain('type filter hook output priority -100; policy drop;');
    expect(script).toContain('ip daddr { 10.1.2.3 } tcp dport 8443 accept');
    expect(script).toContain('ip saddr { 10.1.2.3 } tcp sport 8443 accept');
    expect(script).toContain('ip6 daddr { fd00::3 } tcp dport 8443 accept');
    expect(script).toContain('ip saddr { 192.0.2.0/24 } accept');
    expect(script).toContain('ip6 daddr { 2001:db8::/32 } accept');
    expect(script).toContain('oif "lo" accept');
    // No empty sets (nft refuses them).
    expect(containmentScript({ server: { addresses: ['10.1.2.3'], port: 80 }, allow: [] })).not.toMatch(/\{ \}|ip6 daddr/);
  });

  it('says why it cannot: unsupported platforms, no nftables', async () => {
    await expect(new Containment('mac').apply({ action: 'lift' }, 'http://127.0.0.1:1')).rejects.toThrow(/not supported on macOS agents/);
    await expect(new Containment('windows').apply({ action: 'contain', allow: [] }, 'http://127.0.0.1:1')).rejects.toThrow(/not supported on Windows agents/);
    process.env.RIPOSTE_NFT = '/nonexistent/nft';
    process.env.RIPOSTE_IPTABLES = '/nonexistent/iptables';
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'containment-'));
    await expect(new Containment('linux', stateDir).apply({ action: 'contain', allow: [] }, 'http://127.0.0.1:1')).rejects.toThrow(
      'nftables is not installed (no nft command); iptables is not installed (no iptables command): the host cannot be contained',
    );
    expect(fs.existsSync(path.join(stateDir, 'containment.json'))).toBe(false);
    expect(await new Containment('linux', stateDir).restore()).toBe(false);
  });
});
