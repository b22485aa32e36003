import i18n from '../i18n';
import { getMessage } from './feedback';

export const API_BASE = '/api/v1';
const TOKEN_KEY = 'hotline.token';

/** One entry of the RFC 7807 `errors` extension: a field path and a message. */
export interface FieldError {
  path: string;
  message: string;
}

/** RFC 7807 problem document as produced by the server. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  code?: string;
  detail?: string;
  errors?: FieldError[];
}

/** Thrown for every non-2xx answer (and for network failures, with status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly type: string;
  readonly errors: FieldError[];
  /** The message has already been shown to the user by the client. */
  handled = false;

  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem.code ?? '';
    this.title = problem.title ?? '';
    this.detail = problem.detail ?? problem.title ?? '';
    this.type = problem.type ?? 'about:blank';
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

// ---------------------------------------------------------------- token

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function clearToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

// ---------------------------------------------------------------- 401 handling

const SESSION_CODES = new Set(['AUTH_SESSION_EXPIRED', 'AUTH_REQUIRED']);
type UnauthorizedHandler = (code: string) => void;
let onUnauthorized: UnauthorizedHandler = () => {
  if (window.location.pathname !== '/login') window.location.assign('/login');
};
let lastUnauthorizedAt = 0;

/** The router installs a handler that navigates to /login without a full reload. */
export function setUnauthorizedHandler(handler: UnauthorizedHandler): void {
  onUnauthorized = handler;
}

// 403 answers of a restricted session (initial/expired password, MFA enrolment required).
const RESTRICTION_CODES: Record<string, 'password-change' | 'mfa-enroll'> = {
  AUTH_PASSWORD_CHANGE_REQUIRED: 'password-change',
  AUTH_MFA_ENROLL_REQUIRED: 'mfa-enroll',
};
type RestrictedHandler = (restriction: 'password-change' | 'mfa-enroll') => void;
let onRestricted: RestrictedHandler = () => undefined;
let lastRestrictedAt = 0;

export function setRestrictedHandler(handler: RestrictedHandler): void {
  onRestricted = handler;
}

// ---------------------------------------------------------------- request

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue | QueryValue[]>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Do not show the error to the user automatically (the caller will). */
  silent?: boolean;
  /** Send without the Authorization header (login). */
  anonymous?: boolean;
}

export function buildQuery(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, raw] of Object.entries(query)) {
    const values = Array.isArray(raw) ? raw : [raw];
    for (const value of values) {
      if (value === undefined || value === null || value === '') continue;
      params.append(key, String(value));
    }
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

function headersFor(opts: RequestOptions, hasBody: boolean): Headers {
  const headers = new Headers({ Accept: 'application/json, application/problem+json' });
  if (hasBody) headers.set('Content-Type', 'application/json');
  const token = opts.anonymous ? null : getToken();
  if (token) headers.set('Authorization', `Bearer ${token}`);
  headers.set('Accept-Language', i18n.language || 'zh-CN');
  return headers;
}

async function readProblem(res: Response): Promise<Problem> {
  const text = await res.text().catch(() => '');
  if (!text) return { status: res.status, title: res.statusText };
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') return parsed as Problem;
  } catch {
    /* not JSON */
  }
  return { status: res.status, title: res.statusText, detail: text.slice(0, 200) };
}

function reportError(err: ApiError, opts: RequestOptions): void {
  if (err.status === 401 && SESSION_CODES.has(err.code)) {
    clearToken();
    err.handled = true;
    const now = Date.now();
    if (now - lastUnauthorizedAt > 2000) {
      lastUnauthorizedAt = now;
      getMessage().warning(err.detail || i18n.t('error.sessionExpired'));
      onUnauthorized(err.code);
    }
    return;
  }
  const restriction = err.status === 403 ? RESTRICTION_CODES[err.code] : undefined;
  if (restriction) {
    err.handled = true;
    const now = Date.now();
    if (now - lastRestrictedAt > 2000) {
      lastRestrictedAt = now;
      if (!opts.silent) getMessage().warning(err.detail);
      onRestricted(restriction);
    }
    return;
  }
  if (opts.silent) return;
  err.handled = true;
  if (err.status === 0) {
    getMessage().error(i18n.t('error.network'));
  } else if (err.status === 403) {
    getMessage().error(err.detail || i18n.t('error.forbidden'));
  } else {
    getMessage().error(err.detail || err.title || i18n.t('error.unknown'));
  }
}

async function send(method: string, path: string, opts: RequestOptions): Promise<Response> {
  const hasBody = opts.body !== undefined;
  let res: Response;
  try {
    res = await fetch(`${API_BASE}${path}${buildQuery(opts.query)}`, {
      method,
      headers: headersFor(opts, hasBody),
      body: hasBody ? JSON.stringify(opts.body) : undefined,
      signal: opts.signal,
      credentials: 'same-origin',
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    const err = new ApiError(0, { title: 'Network error', detail: i18n.t('error.network') });
    reportError(err, opts);
    throw err;
  }
  if (!res.ok) {
    const err = new ApiError(res.status, await readProblem(res));
    reportError(err, opts);
    throw err;
  }
  return res;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(method, path, opts);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  if (!text) return undefined as T;
  return JSON.parse(text) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, opts: Omit<RequestOptions, 'query'> = {}) =>
    request<T>('GET', path, { ...opts, query }),
  post: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('POST', path, { ...opts, body: body ?? {} }),
  put: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('PUT', path, { ...opts, body: body ?? {} }),
  patch: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('PATCH', path, { ...opts, body: body ?? {} }),
  del: <T>(path: string, opts: RequestOptions = {}) => request<T>('DELETE', path, opts),
};

function filenameFrom(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      /* fall through */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain?.[1]?.trim() || fallback;
}

/** Downloads a file from an authenticated endpoint (fetch + blob, so the Bearer header is sent). */
export async function download(path: string, query: Query | undefined, fallbackName: string): Promise<string> {
  const res = await send('GET', path, { query });
  const blob = await res.blob();
  const name = filenameFrom(res.headers.get('Content-Disposition'), fallbackName);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

/** Builds the realtime WebSocket URL on the page's host (ws: or wss: by page protocol). */
export function wsUrl(token: string): string {
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${window.location.host}${API_BASE}/ws?token=${encodeURIComponent(token)}`;
}
