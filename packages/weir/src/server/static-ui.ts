/**
 * Serves the built web UI (packages/ui/dist) from the same origin as the API: files with their content type,
 * long cache for content-hashed assets, and index.html for any other GET outside /api (history routing fallback).
 */
import { readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Hono } from 'hono';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Vite puts content-hashed files under assets/: their name changes with their content, so they never go stale. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html must be revalidated, or a browser keeps pointing at the previous build's hashed files. */
const REVALIDATE = 'no-cache';

/**
 * Adds the GET/HEAD routes that serve `root`. Call after the API routes: `/api/*` is never answered from here.
 *
 * @example
 * serveStaticUi(app, '/repo/packages/ui/dist');
 * // GET /assets/index-3f2a1c.js → 200 text/javascript, Cache-Control: public, max-age=31536000, immutable
 * // GET /runs/5b0e1c2a          → 200 index.html (the UI routes it), Cache-Control: no-cache
 * // GET /api/nope               → 404 JSON from the API, never index.html
 */
export function serveStaticUi(app: Hono, root: string): void {
  const base = resolve(root);
  const files = new FileCache();
  app.on(['GET', 'HEAD'], '*', async (c, next) => {
    const path = c.req.path;
    if (path === '/api' || path.startsWith('/api/')) return next();
    const file = findFile(base, path, files);
    const target = file ?? join(base, 'index.html');
    const body = files.read(target);
    if (!body) return next();
    const type = CONTENT_TYPES[extname(target).toLowerCase()] ?? 'application/octet-stream';
    const hashed = file !== undefined && path.startsWith('/assets/');
    c.header('Content-Type', type);
    c.header('Cache-Control', hashed ? IMMUTABLE : REVALIDATE);
    c.header('X-Content-Type-Options', 'nosniff');
    return c.req.method === 'HEAD' ? c.body(null) : c.body(new Uint8Array(body));
  });
}

/*
 * Why synchronous reads, kept in memory: Node's asynchronous file calls wait for a thread of libuv's pool (4 by
 * default), which DuckDB's queries also hold while they run. During a run the UI's own files then waited behind
 * the warehouse (GET / took 46 ms at the median, 280 ms at p95, against 9 ms for an API call). A built UI is a few
 * MB of files that change only with a rebuild: each is read once, synchronously (well under a millisecond), and
 * served from memory afterwards, so nothing on this path waits for DuckDB. Restart `weir dev` after rebuilding the UI.
 */
const MAX_CACHED_BYTES = 64 * 1024 * 1024;

class FileCache {
  private readonly bodies = new Map<string, Buffer>();
  private bytes = 0;

  has(path: string): boolean {
    return this.bodies.has(path);
  }

  read(path: string): Buffer | undefined {
    const cached = this.bodies.get(path);
    if (cached) return cached;
    let body: Buffer;
    try {
      body = readFileSync(path);
    } catch {
      return undefined;
    }
    // Beyond the bound (not a built UI, then), files are still served, just read each time.
    if (this.bytes + body.length <= MAX_CACHED_BYTES) {
      this.bodies.set(path, body);
      this.bytes += body.length;
    }
    return body;
  }
}

/** The file under `base` that `urlPath` names, or undefined; never a path outside `base` (`/../etc/passwd`). */
function findFile(base: string, urlPath: string, files: FileCache): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const candidate = normalize(join(base, decoded));
  if (candidate !== base && !candidate.startsWith(base + sep)) return undefined;
  if (files.has(candidate)) return candidate;
  try {
    return statSync(candidate).isFile() ? candidate : undefined;
  } catch {
    return undefined;
  }
}
