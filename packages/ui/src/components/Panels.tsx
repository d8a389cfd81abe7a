/** Page building blocks: titled sections, empty states, errors and loading placeholders that keep their space. */
import type { ReactNode } from 'react';
import type { ApiError } from '../api/client.ts';

export function Section({ title, actions, children, className }: { title: ReactNode; actions?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={`card ${className ?? ''}`}>
      <header className="card-head">
        <h2>{title}</h2>
        {actions ? <div className="card-actions">{actions}</div> : null}
      </header>
      <div className="card-body">{children}</div>
    </section>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function ErrorPanel({ error, title }: { error: Error | ApiError; title?: string }) {
  return (
    <div className="error-panel" role="alert">
      <strong>{title ?? 'Something went wrong'}</strong>
      <p>{error.message}</p>
    </div>
  );
}

/** Grey bars of the size of the content to come: the page does not jump when data arrives. */
export function Skeleton({ rows = 3, height = 18 }: { rows?: number; height?: number }) {
  return (
    <div className="skeleton" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => <div key={i} style={{ height }} />)}
    </div>
  );
}
