/** The shell: header with navigation and theme toggle, sign-in when a token is required, and the routed page. */
import { lazy, Suspense, useEffect, useState } from 'react';
import { api, onUnauthorized } from '../api/client.ts';
import { onProjectChange } from '../api/event-stream.ts';
import { useApi } from '../api/use-api.ts';
import { AlertsPage } from '../features/alerts/AlertsPage.tsx';
import { AssetPage } from '../features/assets/AssetPage.tsx';
import { AutomationPage } from '../features/automation/AutomationPage.tsx';
import { BackfillsPage } from '../features/backfills/BackfillsPage.tsx';
import { ChecksPage } from '../features/checks/ChecksPage.tsx';
import { plural } from '../components/format.ts';
import { HomePage } from '../features/home/HomePage.tsx';
import { RunPage } from '../features/runs/RunPage.tsx';
import { RunsPage } from '../features/runs/RunsPage.tsx';
import { loadErrorOf } from './load-error.ts';
import { SignIn } from './SignIn.tsx';
import { useRoute } from './router.tsx';
import { useTheme } from './theme.ts';

// The lineage page brings React Flow and ELK: loaded when first visited, so the other pages start light.
const LineagePage = lazy(() => import('../features/lineage/LineagePage.tsx').then((m) => ({ default: m.LineagePage })));

const NAV = [
  { path: '/', label: 'Overview', match: (p: string) => p === '/' },
  { path: '/lineage', label: 'Lineage', match: (p: string) => p.startsWith('/lineage') || p.startsWith('/assets') },
  { path: '/runs', label: 'Runs', match: (p: string) => p.startsWith('/runs') },
  { path: '/checks', label: 'Checks', match: (p: string) => p.startsWith('/checks') },
  { path: '/automation', label: 'Automation', match: (p: string) => p.startsWith('/automation') },
  { path: '/alerts', label: 'Alerts', match: (p: string) => p.startsWith('/alerts') },
  { path: '/backfills', label: 'Backfills', match: (p: string) => p.startsWith('/backfills') },
];

export function App() {
  const route = useRoute();
  const { theme, toggle } = useTheme();
  const [needsSignIn, setNeedsSignIn] = useState(false);
  const project = useApi(() => api.project(), [needsSignIn]);
  useEffect(() => onUnauthorized(() => setNeedsSignIn(true)), []);
  // The project (and its load error) changes when `weir dev` reloads definitions: the page's stream says so; pages
  // without a project stream (a run's page) rely on a slow poll.
  useEffect(() => onProjectChange(project.reload), [project.reload]);
  useEffect(() => {
    const timer = setInterval(project.reload, 15_000);
    return () => clearInterval(timer);
  }, [project.reload]);

  if (needsSignIn) return <SignIn onSignedIn={() => { setNeedsSignIn(false); window.location.reload(); }} />;
  const loadError = loadErrorOf(project.data?.loadError);
  const { path } = route;

  let page;
  if (path === '/') page = <HomePage />;
  else if (path.startsWith('/lineage')) page = <LineagePage route={route} loadError={loadError} />;
  else if (path.startsWith('/assets/')) page = <AssetPage assetKey={decodeURIComponent(path.slice('/assets/'.length))} />;
  else if (path === '/runs') page = <RunsPage route={route} />;
  else if (path.startsWith('/runs/')) page = <RunPage runId={path.slice('/runs/'.length)} route={route} />;
  else if (path === '/checks') page = <ChecksPage route={route} />;
  else if (path === '/automation') page = <AutomationPage />;
  else if (path === '/alerts') page = <AlertsPage />;
  else if (path === '/backfills') page = <BackfillsPage route={route} />;
  else page = <main className="page"><h1>Not found</h1><p>No page at <code>{path}</code>. <a href="#/">Go to the overview</a>.</p></main>;

  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
      <header className="topbar">
        <a className="brand" href="#/"><span className="logo" aria-hidden="true" /> Weir</a>
        <span className="project-name" title={project.data?.description ?? undefined}>{project.data?.name ?? '\u00a0'}</span>
        <nav aria-label="Main">
          {NAV.map((item) => (
            <a key={item.path} href={`#${item.path}`} className={item.match(path) ? 'active' : undefined} aria-current={item.match(path) ? 'page' : undefined}>{item.label}</a>
          ))}
        </nav>
        <span className="spacer" />
        <a className="btn ghost small" href="/api/openapi.json" target="_blank" rel="noreferrer">API</a>
        <button type="button" className="btn ghost small theme-toggle" onClick={toggle} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
          {theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
      </header>
      {loadError && !path.startsWith('/lineage') ? (
        <div className="banner tone-failure" role="alert">
          <strong>Definitions failed to load</strong>: {loadError.message} — showing the last good definitions. <a href="#/lineage">Details</a>
        </div>
      ) : null}
      {/* Warnings from loading the project (a secret setting too short to mask), as `weir dev` prints them. */}
      {project.data?.warnings.length ? (
        <div className="banner tone-warn project-warnings" role="status" data-testid="project-warnings">
          <strong>{plural(project.data.warnings.length, 'project warning')}</strong>
          {project.data.warnings.map((warning) => <div key={warning}>{warning}</div>)}
        </div>
      ) : null}
      <div id="main" tabIndex={-1} className="main"><Suspense fallback={<div className="lineage" aria-busy="true" />}>{page}</Suspense></div>
    </div>
  );
}
