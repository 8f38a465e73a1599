import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../index.ts';
import { openTestCore } from '../testing/core.ts';
import { parseCidr } from './cidr.ts';

let core: Core;
beforeAll(async () => {
  core = await openTestCore();
});
afterAll(async () => {
  await core?.close();
});

const status = async (id: string) => (await core.hosts.get(id))!;

describe('ContainmentService', () => {
  it('moves a host through pending, contained, lifting and normal only on the agent\'s word', async () => {
    const id = (await core.hosts.register({ hostname: 'c1', platform_name: 'Linux' })).device_id;
    const heard: string[][] = [];
    const stop = core.notifier.subscribe('containment', ({ device_ids }) => heard.push(device_ids));
    expect(await core.containment.orderFor(id)).toBeUndefined();
    expect((await core.containment.request('contain', [id])).done).toEqual([id]);
    expect((await status(id)).status).toBe('containment_pending');
    expect(await core.containment.orderFor(id)).toEqual({ action: 'contain', allow: [] });
    // A lift answer while containment is asked for changes nothing.
    await core.containment.answered(id, { action: 'lift', ok: true });
    expect((await status(id)).status).toBe('containment_pending');
    await core.containment.answered(id, { action: 'contain', ok: true });
    expect((await status(id)).status).toBe('contained');
    await core.containment.request('lift', [id]);
    expect(await core.containment.orderFor(id)).toEqual({ action: 'lift' });
    await core.containment.answered(id, { action: 'lift', ok: false, error: 'nft failed: boom' });
    expect(await status(id)).toMatchObject({ status: 'contained', containment_failed: 'nft failed: boom' });
    await core.containment.request('lift', [id]);
    expect((await status(id)).containment_failed).toBe('');
    await core.containment.answered(id, { action: 'lift', ok: true });
    expect((await status(id)).status).toBe('normal');
    await new Promise((r) => setImmediate(r));
    stop();
    expect(heard).toEqual([[id], [id], [id]]);
  });

  it('refuses unknown, hidden, already contained and not contained hosts, per id', async () => {
    const a = (await core.hosts.register({ hostname: 'c2', platform_name: 'Linux' })).device_id;
    const hidden = (await core.hosts.register({ hostname: 'c3', platform_name: 'Linux' })).device_id;
    await core.hosts.setHidden([hidden], true);
    const first = await core.containment.request('contain', [a, hidden, 'f'.repeat(32)]);
    expect(first.done).toEqual([a]);
    expect(first.errors.map((e) => [e.id, e.error.status])).toEqual([[hidden, 404], ['f'.repeat(32), 404]]);
    const again = await core.containment.request('contain', [a]);
    expect(again.errors[0].error.status).toBe(409);
    expect(again.errors[0].error.message).toMatch(/pending containment/);
    const b = (await core.hosts.register({ hostname: 'c4', platform_name: 'Linux' })).device_id;
    expect((await core.containment.request('lift', [b])).errors[0].error.message).toMatch(/is not contained/);
  });

  it('fails containment with the agent\'s reason and leaves the host normal, never contained', async () => {
    const id = (await core.hosts.register({ hostname: 'c5', platform_name: 'Mac' })).device_id;
    await core.containment.request('contain', [id]);
    await core.containment.answered(id, { action: 'contain', ok: false, error: 'network containment is not supported on macOS agents' });
    expect(await status(id)).toMatchObject({ status: 'normal', containment_failed: 'network containment is not supported on macOS agents' });
  });

  it('keeps an allow-list of CIDR blocks and refuses anything else', async () => {
    expect(await core.containment.setAllowList(['10.0.0.0/8', '192.0.2.7', '2001:DB8::/32', '10.0.0.0/8'])).toEqual(['10.0.0.0/8', '192.0.2.7/32', '2001:db8::/32']);
    expect(await core.containment.allowList()).toEqual(['10.0.0.0/8', '192.0.2.7/32', '2001:db8::/32']);
    for (const bad of ['10.0.0.0/33', '10.0.0.1/8', 'example.com', '10.0.0/8', '', '::1/129']) {
      await expect(core.containment.setAllowList([bad])).rejects.toMatchObject({ status: 400 });
    }
    expect(await core.containment.allowList()).toHaveLength(3);
    expect(parseCidr('2001:db8:0:1::/64')).toBe('2001:db8:0:1::/64');
    expect(() => parseCidr('2001:db8::1/64')).toThrow(/host bits/);
  });
});
