/** A status as a coloured dot and label, or (where there is no room for a label) a coloured glyph, from the one palette. */
import { iconOf, labelOf, toneOf } from './status.ts';

export function StatusBadge({ status, label, compact }: { status: string; label?: string; compact?: boolean }) {
  const tone = toneOf(status);
  return (
    <span className={`badge tone-${tone}${compact ? ' compact' : ''}`} title={labelOf(status)} data-status={status}>
      <span className={`dot${tone === 'running' ? ' pulse' : ''}`} aria-hidden="true" />
      {compact ? null : label ?? labelOf(status)}
    </span>
  );
}

/** A status without a label beside it: colour and a glyph (✓ ✕ ! ↻ …), named for screen readers. */
export function StatusDot({ status }: { status: string }) {
  const tone = toneOf(status);
  return (
    <span className={`status-icon tone-${tone}${tone === 'running' ? ' pulse' : ''}`} title={labelOf(status)} role="img" aria-label={labelOf(status)} data-status={status}>
      {iconOf(status)}
    </span>
  );
}
