import { describe, expect, it } from 'vitest';
import { iptablesScript } from './iptables.ts';

describe('iptables containment rules (the fallback where nftables is unavailable)', () => {
  const rules = { server: { addresses: ['10.1.2.3', 'fd00::3'], port: 8443 }, allow: ['192.0.2.0/24', '2001:db8::/32'] };

  it('fills the two chains like the nftables table: loopback, server, allow-list pass (RETURN); all else drops', () => {
    const v4 = iptablesScript(rules, 'ipv4', { input: true, output: true }).split('\n');
    expect(v4).toEqual([
      '*filter',
      ':RIPOSTE_CONTAIN_IN - [0:0]',
      ':RIPOSTE_CONTAIN_OUT - [0:0]',
      '-A RIPOSTE_CONTAIN_IN -i lo -j RETURN',
      '-A RIPOSTE_CONTAIN_IN -s 10.1.2.3/32 -p tcp -m tcp --sport 8443 -j RETURN',
      '-A RIPOSTE_CONTAIN_IN -s 192.0.2.0/24 -j RETURN',
      '-A RIPOSTE_CONTAIN_IN -j DROP',
      '-A RIPOSTE_CONTAIN_OUT -o lo -j RETURN',
      '-A RIPOSTE_CONTAIN_OUT -d 10.1.2.3/32 -p tcp -m tcp --dport 8443 -j RETURN',
      '-A RIPOSTE_CONTAIN_OUT -d 192.0.2.0/24 -j RETURN',
      '-A RIPOSTE_CONTAIN_OUT -j DROP',
      '-I INPUT 1 -j RIPOSTE_CONTAIN_IN',
      '-I OUTPUT 1 -j RIPOSTE_CONTAIN_OUT',
      'COMMIT',
      '',
    ]);
  });

  it('keeps IPv6 neighbour discovery, takes only its own family, and adds only missing jumps', () => {
    const v6 = iptablesScript(rules, 'ipv6', { input: false, output: true });
    expect(v6).toContain('-A RIPOSTE_CONTAIN_OUT -d fd00::3/128 -p tcp -m tcp --dport 8443 -j RETURN');
    expect(v6).toContain('-A RIPOSTE_CONTAIN_IN -s 2001:db8::/32 -j RETURN');
    expect(v6).toContain('-A RIPOSTE_CONTAIN_IN -p ipv6-icmp -m icmp6 --icmpv6-type neighbour-solicitation -j RETURN');
    expect(v6).not.toMatch(/10\.1\.2\.3|192\.0\.2/);
    expect(v6).not.toContain('-I INPUT');
    expect(v6).toContain('-I OUTPUT 1 -j RIPOSTE_CONTAIN_OUT');
    // Nothing of the family but loopback and discovery: still a complete chain that drops.
    const bare = iptablesScript({ server: { addresses: ['10.1.2.3'], port: 80 }, allow: [] }, 'ipv6', { input: false, output: false });
    expect(bare).toContain('-A RIPOSTE_CONTAIN_IN -j DROP');
    expect(bare).not.toContain('--sport');
  });
});
