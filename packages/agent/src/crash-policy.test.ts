import { describe, expect, it, vi } from 'vitest';
import { crashPolicy, installCrashPolicy } from './crash-policy.ts';

describe('crash policy', () => {
  it('logs an uncaught error and keeps the process running', () => {
    const log = vi.fn();
    const exit = vi.fn();
    const policy = crashPolicy({ log, exit });
    policy.handle('unhandledRejection', Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    policy.handle('uncaughtException', 'a thrown string');
    expect(exit).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith('error', 'unhandledRejection: ENOSPC: no space left on device, write; the agent keeps running', expect.objectContaining({ err: expect.objectContaining({ code: 'ENOSPC' }) }));
    expect(log).toHaveBeenCalledWith('error', 'uncaughtException: a thrown string; the agent keeps running', expect.anything());
  });

  it('exits for its supervisor when errors keep coming, not for a passing fault', () => {
    vi.useFakeTimers();
    try {
      const exit = vi.fn();
      const policy = crashPolicy({ log: () => {}, exit, maxErrors: 3, windowMs: 1000 });
      for (let i = 0; i < 3; i++) policy.handle('uncaughtException', new Error('x'));
      vi.advanceTimersByTime(1001);
      for (let i = 0; i < 3; i++) policy.handle('uncaughtException', new Error('x'));
      expect(exit).not.toHaveBeenCalled();
      policy.handle('uncaughtException', new Error('x'));
      expect(exit).toHaveBeenCalledWith(70);
    } finally {
      vi.useRealTimers();
    }
  });

  it('is installed on the process and removed again', () => {
    const before = [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];
    const installed = installCrashPolicy({ log: () => {}, exit: () => {} });
    expect([process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')]).toEqual([before[0] + 1, before[1] + 1]);
    installed.uninstall();
    expect([process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')]).toEqual(before);
  });
});
