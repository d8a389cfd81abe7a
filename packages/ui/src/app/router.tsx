/**
 * Hash routing (`#/runs/5b0e…?step=orders`): works from any static server and needs no fallback. The query after
 * the path holds page filters, so a URL reproduces what the page shows.
 */
import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

export interface Route {
  /** `/runs/5b0e1c2a` */
  path: string;
  query: URLSearchParams;
}

function current(): Route {
  const hash = window.location.hash.replace(/^#/, '') || '/';
  const [path, search] = hash.split('?', 2) as [string, string | undefined];
  return { path: path || '/', query: new URLSearchParams(search ?? '') };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

/** `href('/runs', { status: 'FAILURE' })` → `#/runs?status=FAILURE` */
export function href(path: string, query?: Record<string, string | undefined | null> | URLSearchParams): string {
  const search = query instanceof URLSearchParams ? query : new URLSearchParams(Object.entries(query ?? {}).filter((e): e is [string, string] => Boolean(e[1])));
  const text = search.toString();
  return `#${path}${text ? `?${text}` : ''}`;
}

/** Goes to a route; `replace` changes the URL without a history entry (for filters as they are typed). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const target = to.startsWith('#') ? to : `#${to}`;
  if (options.replace) {
    window.history.replaceState(null, '', target);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = target;
  }
}

export function Link({ to, children, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  return <a href={to.startsWith('#') ? to : `#${to}`} {...rest}>{children}</a>;
}

export const assetHref = (key: string) => `#/assets/${key}`;
export const runHref = (runId: string, query?: Record<string, string>) => href(`/runs/${runId}`, query);
/** Keeps a click from reaching the row/node it sits in. */
export const stop = (e: MouseEvent) => e.stopPropagation();
