import { describe, expect, it } from 'vitest';
import { ServiceError } from '../util/errors.ts';
import type { PlatformName } from '../platform.ts';
import { applySettingWrites, newPolicySettings, platformDefaultSettings, refusalReason, settingCategories, settingsOf } from './settings.ts';

const on = (id: string) => ({ id, value: { enabled: true } });
const off = (id: string) => ({ id, value: { enabled: false } });

function rejects(f: () => unknown, message: RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ServiceError);
  expect((err as ServiceError).status).toBe(400);
  expect((err as ServiceError).message).toMatch(message);
}

describe('response policy settings', () => {
  it('offers each platform exactly the vendor settings', () => {
    const ids = (p: PlatformName) => settingsOf(p).map((s) => s.id).sort();
    const common = ['CustomScripts', 'ExecCommand', 'GetCommand', 'PutCommand', 'RealTimeFunctionality'];
    // FalconScripts everywhere and MemDumpCommand on Linux are riposte extensions.
    expect(ids('Linux')).toEqual([...common, 'FalconScripts', 'MemDumpCommand'].sort());
    expect(ids('Mac')).toEqual([...common, 'FalconScripts', 'PutAndRunCommand'].sort());
    expect(ids('Windows')).toEqual([...common, 'FalconScripts', 'MemDumpCommand', 'PutAndRunCommand', 'XMemDumpCommand'].sort());
  });

  it('starts new policies with everything off and platform defaults with only RTR on', () => {
    expect(Object.values(newPolicySettings('Windows')).every((v) => v === false)).toBe(true);
    expect(platformDefaultSettings('Linux')).toEqual({ RealTimeFunctionality: true, CustomScripts: false, FalconScripts: false, GetCommand: false, PutCommand: false, MemDumpCommand: false, ExecCommand: false });
  });

  it('reads back as categories of toggles', () => {
    const cats = settingCategories('Mac', { ...newPolicySettings('Mac'), RealTimeFunctionality: true, GetCommand: true });
    expect(cats.map((c) => c.name)).toEqual(['Enable/Disable', 'Custom scripts', 'High risk commands']);
    expect(cats[2].settings.map((s) => s.name)).toEqual(['get', 'put', 'run', 'put-and-run']);
    expect(cats[2].settings[0]).toMatchObject({ id: 'GetCommand', type: 'toggle', value: { enabled: true } });
    expect(cats[0].settings[0]).toMatchObject({ id: 'RealTimeFunctionality', name: 'Real Time Response', value: { enabled: true } });
  });

  it('applies writes and refuses unknown ids, bad values, other platforms and inconsistencies', () => {
    const base = newPolicySettings('Windows');
    expect(applySettingWrites('Windows', base, [on('RealTimeFunctionality'), on('CustomScripts'), on('FalconScripts')], 'p')).toMatchObject({
      RealTimeFunctionality: true,
      CustomScripts: true,
      FalconScripts: true,
    });
    rejects(() => applySettingWrites('Windows', base, [on('NoSuchSetting')], 'p'), /unknown response policy setting "NoSuchSetting"/);
    rejects(() => applySettingWrites('Windows', base, [{ id: 'GetCommand', value: { enabled: 'yes' } }], 'p'), /GetCommand: value must be/);
    rejects(() => applySettingWrites('Windows', base, [{ id: 'GetCommand', value: true }], 'p'), /value must be/);
    rejects(() => applySettingWrites('Windows', base, [{ id: 'GetCommand', value: { enabled: true, extra: 1 } }], 'p'), /value must be/);
    rejects(() => applySettingWrites('Linux', newPolicySettings('Linux'), [on('RealTimeFunctionality'), on('XMemDumpCommand')], 'p'), /XMemDumpCommand .* not available on Linux/);
    rejects(() => applySettingWrites('Linux', newPolicySettings('Linux'), [on('PutAndRunCommand')], 'p'), /not available on Linux; it exists on Windows and Mac only/);
    rejects(() => applySettingWrites('Windows', base, [on('GetCommand')], 'p'), /GetCommand require RealTimeFunctionality/);
    rejects(() => applySettingWrites('Windows', base, [on('RealTimeFunctionality'), on('FalconScripts')], 'p'), /FalconScripts requires CustomScripts/);
    rejects(() => applySettingWrites('Windows', base, [on('GetCommand'), off('GetCommand')], 'p'), /more than once/);
    const allOn = applySettingWrites('Mac', newPolicySettings('Mac'), settingsOf('Mac').map((s) => on(s.id)), 'p');
    rejects(() => applySettingWrites('Mac', allOn, [off('RealTimeFunctionality')], 'p'), /CustomScripts, FalconScripts, GetCommand, PutCommand, ExecCommand, PutAndRunCommand require RealTimeFunctionality/);
  });

  it('decides capabilities: RTR off refuses everything, each command its own setting', () => {
    const s = { ...newPolicySettings('Windows'), RealTimeFunctionality: true, GetCommand: true };
    expect(refusalReason('Windows', s, 'session')).toBeUndefined();
    expect(refusalReason('Windows', s, 'command')).toBeUndefined();
    expect(refusalReason('Windows', s, 'get')).toBeUndefined();
    expect(refusalReason('Windows', s, 'put')?.why).toBe('disables PutCommand (put)');
    expect(refusalReason('Windows', s, 'run')?.setting).toBe('ExecCommand');
    expect(refusalReason('Windows', s, 'memdump')?.setting).toBe('MemDumpCommand');
    expect(refusalReason('Windows', s, 'xmemdump')?.setting).toBe('XMemDumpCommand');
    expect(refusalReason('Windows', s, 'put-and-run')?.setting).toBe('PutAndRunCommand');
    expect(refusalReason('Windows', s, 'custom-script')?.setting).toBe('CustomScripts');
    expect(refusalReason('Windows', s, 'falcon-script')?.setting).toBe('CustomScripts');
    expect(refusalReason('Linux', { ...newPolicySettings('Linux'), RealTimeFunctionality: true }, 'xmemdump')?.why).toMatch(/not available on Linux/);
    expect(refusalReason('Linux', { ...newPolicySettings('Linux'), RealTimeFunctionality: true, MemDumpCommand: true }, 'memdump')).toBeUndefined();
    const rtrOff = newPolicySettings('Linux');
    for (const c of ['session', 'command', 'get'] as const) expect(refusalReason('Linux', rtrOff, c)?.setting).toBe('RealTimeFunctionality');
  });
});
