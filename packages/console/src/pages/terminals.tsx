import { TerminalPanel } from '../terminal/panel.tsx';
import type { Tier } from '../rtr.ts';

export interface OpenTerminal {
  deviceId: string;
  hostname: string;
}

/**
 * Terminals on several hosts, one tab each. Every tab stays mounted (its session open and pulsed)
 * while the console is open, even while another page is shown; closing a tab closes its session.
 */
export function TerminalsPage(props: { terminals: OpenTerminal[]; active: string | undefined; tier: Tier; shown: boolean; onClose: (deviceId: string) => void }) {
  const { terminals, active } = props;
  const select = (deviceId: string) => (location.hash = `#/terminals/${deviceId}`);
  const onKey = (e: KeyboardEvent, i: number) => {
    // The tab pattern of WAI-ARIA: arrows move between tabs.
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : undefined;
    if (next === undefined) return;
    const t = terminals[(next + terminals.length) % terminals.length];
    select(t.deviceId);
    document.getElementById(`tab-${t.deviceId}`)?.focus();
  };
  return (
    <section hidden={!props.shown}>
      <h1>Terminals</h1>
      <div role="tablist" aria-label="Hosts with a terminal" class="tabs">
        {terminals.map((t, i) => (
          <span key={t.deviceId} class="tab">
            <button
              type="button"
              role="tab"
              id={`tab-${t.deviceId}`}
              aria-selected={t.deviceId === active}
              aria-controls={`panel-${t.deviceId}`}
              tabIndex={t.deviceId === active ? 0 : -1}
              onClick={() => select(t.deviceId)}
              onKeyDown={(e) => onKey(e, i)}
            >
              {t.hostname}
            </button>
            <button type="button" class="close" aria-label={`Close the terminal on ${t.hostname}`} onClick={() => props.onClose(t.deviceId)}>×</button>
          </span>
        ))}
      </div>
      {terminals.map((t) => (
        <div key={t.deviceId} role="tabpanel" id={`panel-${t.deviceId}`} aria-labelledby={`tab-${t.deviceId}`} hidden={t.deviceId !== active}>
          <p class="notice">
            <a href={`#/hosts/${t.deviceId}`}>{t.hostname}</a> · {t.deviceId}
          </p>
          <TerminalPanel deviceId={t.deviceId} tier={props.tier} active={props.shown && t.deviceId === active} />
        </div>
      ))}
    </section>
  );
}
