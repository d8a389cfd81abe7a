/** An asset's freshness policy and state (fresh until when, or violated since when and by how much) and its automation. */
import type { AssetSummary } from '../../api/types.ts';
import { formatAgo, formatDateTime, formatDuration } from '../../components/format.ts';
import { Section } from '../../components/Panels.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';

export function FreshnessSection({ asset }: { asset: AssetSummary }) {
  const { freshness, automation } = asset;
  if (!freshness && !automation) return null;
  return (
    <Section title="Freshness and automation">
      <dl className="props" data-testid="asset-freshness">
        {freshness ? (
          <>
            <dt>Freshness</dt>
            <dd>
              <StatusBadge status={freshness.status} label={freshness.status === 'violated' ? 'Violated' : 'On time'} />{' '}
              <span>{freshness.message}</span>
            </dd>
            <dt>Expected</dt><dd>{freshness.expected}</dd>
            {freshness.status === 'violated' ? (
              <>
                <dt>Violated since</dt>
                <dd>{freshness.violatedSince === null ? 'never materialized' : <>{formatDateTime(freshness.violatedSince)} <span className="muted">({formatDuration(freshness.overdueMs)} late)</span></>}</dd>
              </>
            ) : freshness.freshUntil !== null ? (
              <><dt>Fresh until</dt><dd>{formatDateTime(freshness.freshUntil)}</dd></>
            ) : null}
            <dt>Last materialized</dt><dd>{freshness.lastMaterializedAt === null ? 'never' : formatAgo(freshness.lastMaterializedAt)}</dd>
          </>
        ) : null}
        {automation ? (
          <>
            <dt>Automation</dt>
            <dd data-testid="asset-automation">
              <span className="tag">{automation.kind}</span> {automation.description}
              {automation.timezoneIsDefault ? <span className="muted"> (time zone not set: UTC)</span> : null}
            </dd>
          </>
        ) : null}
      </dl>
    </Section>
  );
}
