/** The only code that calls fetch: typed calls to the JSON API under /api, and one hook for 401s (sign-in). */
import type {
  Alerts, ApiProject, AssetDetail, AssetList, AssetPartitions, CheckHistory, CheckOverview, EventPage, MaterializationHistory, LaunchRequestBody, Lineage, Overview, ReexecuteRequestBody,
  RunDetail, RunListQuery, RunPage, Selection, Session, ScheduleList, SensorList, SensorStateResponse, BackfillList, BackfillDetail, BackfillRequestBody,
} from './types.ts';

/** An answer of 4xx or 5xx, with the API's stable error code and its message (which names what to fix). */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const unauthorizedListeners = new Set<() => void>();
/** Called whenever the server answers 401: the app then shows the sign-in form. Returns the unsubscribe function. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, { credentials: 'same-origin', ...init, headers: { accept: 'application/json', ...(init?.body ? { 'content-type': 'application/json' } : {}), ...init?.headers } });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // a proxy's HTML error page: fall through with the status
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
    if (response.status === 401 && !path.startsWith('/api/session')) for (const listener of unauthorizedListeners) listener();
    throw new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? `${response.status} ${response.statusText} from ${path}`);
  }
  return body as T;
}

const post = <T>(path: string, body: unknown) => request<T>(path, { method: 'POST', body: JSON.stringify(body ?? {}) });

/** `{ a: 1, b: undefined, c: ['x', 'y'] }` → `?a=1&c=x,y` */
export function queryString(params: Record<string, string | number | readonly string[] | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)) continue;
    search.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Asset keys hold '/' (`sales/orders`): each part is encoded, the slashes stay. */
const assetPath = (key: string) => key.split('/').map(encodeURIComponent).join('/');

/**
 * @example
 * const page = await api.runs({ status: ['FAILURE'], limit: 20 }); // GET /api/runs?status=FAILURE&limit=20
 * page.total // 3
 */
export const api = {
  session: () => request<Session>('/api/session'),
  signIn: (token: string) => post<Session>('/api/session', { token }),
  signOut: () => request<Session>('/api/session', { method: 'DELETE' }),
  project: () => request<ApiProject>('/api/project'),
  /** What the home page shows; days are cut at the browser's time zone. */
  overview: (query: { days?: number; runs?: number } = {}) =>
    request<Overview>(`/api/overview${queryString({ ...query, utcOffsetMinutes: -new Date().getTimezoneOffset() })}`),
  lineage: () => request<Lineage>('/api/lineage'),
  /** The keys a selection picks, resolved by the server's parser (the CLI's `--select` grammar). */
  selection: (select: string, signal?: AbortSignal) => request<Selection>(`/api/selection${queryString({ select })}`, { signal }),
  assets: () => request<AssetList>('/api/assets'),
  asset: (key: string, query: { limit?: number; cursor?: number; checkLimit?: number } = {}) =>
    request<AssetDetail>(`/api/assets/${assetPath(key)}${queryString(query)}`),
  /** Older materializations: `before` is the `nextCursor` of the page shown last. */
  assetMaterializations: (key: string, query: { before?: number; limit?: number } = {}) =>
    request<MaterializationHistory>(`/api/assets/${assetPath(key)}/materializations${queryString(query)}`),
  /** Older check evaluations of one check (`check`) or of all the asset's checks. */
  assetChecks: (key: string, query: { check?: string; before?: number; limit?: number } = {}) =>
    request<CheckHistory>(`/api/assets/${assetPath(key)}/checks${queryString(query)}`),
  /** A partitioned asset's partitions as status ranges; a window by index (`fromIndex`, `toIndex`) or by key. */
  assetPartitions: (key: string, query: { fromIndex?: number; toIndex?: number; from?: string; to?: string } = {}) =>
    request<AssetPartitions>(`/api/assets/${assetPath(key)}/partitions${queryString(query)}`),
  checks: () => request<CheckOverview>('/api/checks'),
  /** Alert channels (never their URLs), rules and recent deliveries. */
  alerts: () => request<Alerts>('/api/alerts'),
  runs: (query: RunListQuery = {}) => request<RunPage>(`/api/runs${queryString(query as Record<string, string>)}`),
  run: (id: string) => request<RunDetail>(`/api/runs/${encodeURIComponent(id)}`),
  runEvents: (id: string, query: { afterId?: number; limit?: number; types?: string[]; step?: string } = {}) =>
    request<EventPage>(`/api/runs/${encodeURIComponent(id)}/events${queryString(query)}`),
  launch: (body: LaunchRequestBody) => post<{ runId: string }>('/api/runs', { trigger: 'ui', ...body }),
  cancel: (id: string) => post<{ runId: string; status: string }>(`/api/runs/${encodeURIComponent(id)}/cancel`, {}),
  reexecute: (id: string, body: ReexecuteRequestBody) => post<{ runId: string }>(`/api/runs/${encodeURIComponent(id)}/reexecute`, body),
  schedules: () => request<ScheduleList>('/api/schedules'),
  /** Pauses (`paused: true`) or resumes a schedule; the state is stored and survives restarts. */
  setSchedulePaused: (name: string, paused: boolean) => post<{ name: string; state: 'RUNNING' | 'PAUSED' }>(`/api/schedules/${encodeURIComponent(name)}/${paused ? 'pause' : 'resume'}`, {}),
  /** "Run now": starts the schedule's run at once, tagged like a tick. */
  runSchedule: (name: string) => post<{ runId: string; tickAt: string }>(`/api/schedules/${encodeURIComponent(name)}/run`, {}),
  sensors: () => request<SensorList>('/api/sensors'),
  /** Pauses or resumes a sensor; the state is stored (survives restarts). */
  setSensorState: (name: string, action: 'pause' | 'resume') => post<SensorStateResponse>(`/api/sensors/${encodeURIComponent(name)}/${action}`, {}),
  backfills: () => request<BackfillList>('/api/backfills'),
  backfill: (id: string) => request<BackfillDetail>(`/api/backfills/${encodeURIComponent(id)}`),
  /** Starts a backfill of a selection: a partition range, only missing or failed partitions, or all. */
  launchBackfill: (body: BackfillRequestBody) => post<{ backfillId: string; partitionCount: number; unpartitionedAssetKeys: string[] }>('/api/backfills', body),
  cancelBackfill: (id: string) => post<{ backfillId: string; status: string }>(`/api/backfills/${encodeURIComponent(id)}/cancel`, {}),
  retryBackfill: (id: string) => post<{ backfillId: string; partitionCount: number }>(`/api/backfills/${encodeURIComponent(id)}/retry-failed`, {}),
};
