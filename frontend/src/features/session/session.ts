import { ApiError, isAbort, toApiError } from '../../shared/api';

/**
 * The signed-in session. The access token goes to the server once, in the
 * body of the sign-in request; the server answers with an HttpOnly cookie
 * that the page cannot read, and a CSRF token that this module keeps in
 * memory and adds to every write. Neither token is written to storage, to
 * the URL or to the DOM.
 */

/** The roles, weakest first; each includes the ones before it. */
export const ROLES = ['viewer', 'partner', 'staff', 'editor', 'admin'] as const;

/** What a signed-in user may do. */
export type Role = (typeof ROLES)[number];

/** Reports whether v is a known role. */
export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

/** Reports whether a role may upload, replace, restore and delete layers (editor or admin). */
export function canEdit(role: Role | null | undefined): boolean {
  return role === 'editor' || role === 'admin';
}

/** Reports whether a role may make signed embeds (staff, editor or admin). */
export function canSignEmbeds(role: Role | null | undefined): boolean {
  return role === 'staff' || role === 'editor' || role === 'admin';
}

/** The signed-in user as the page shows it. */
export interface SessionInfo {
  name: string;
  role: Role;
  /** When the session ends (RFC 3339), as the server gave it. */
  expiresAt: string;
}

/** The session of this page. */
export interface Session {
  /** The signed-in user, or null. */
  readonly info: SessionInfo | null;
  /** Asks the server whether this browser is signed in (GET /session). */
  load(signal?: AbortSignal): Promise<SessionInfo | null>;
  /** Signs in with an access token (POST /session); rejects with an ApiError (401 for a bad token). */
  signIn(token: string): Promise<SessionInfo>;
  /** Signs out (DELETE /session). */
  signOut(): Promise<void>;
  /**
   * A request to the API with the session cookie: writes (POST, PUT, PATCH,
   * DELETE) carry the X-CSRF-Token header. Answers other than 2xx reject
   * with an ApiError; a 401 also ends the session on the page.
   */
  request(url: string, init?: RequestInit): Promise<Response>;
  /** Calls fn after every change of the signed-in state; returns the unsubscribe. */
  subscribe(fn: (info: SessionInfo | null) => void): () => void;
}

/** The header that carries the CSRF token. */
export const CSRF_HEADER = 'X-CSRF-Token';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Reports whether a request with this method changes something on the server. */
export function isWrite(method: string | undefined): boolean {
  return WRITES.has((method ?? 'GET').toUpperCase());
}

/**
 * The init of a same-origin API request: cookies sent on the same origin only,
 * and for writes the CSRF token, when there is one.
 */
export function withCsrf(init: RequestInit, csrf: string | null): RequestInit {
  const headers = new Headers(init.headers);
  if (!headers.has('Accept')) headers.set('Accept', 'application/json');
  if (csrf && isWrite(init.method)) headers.set(CSRF_HEADER, csrf);
  return { ...init, headers, credentials: 'same-origin' };
}

type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/** Reads a session answer of the server; throws an ApiError when it is not one. */
export function parseSession(v: unknown, status = 200): { info: SessionInfo; csrf: string } {
  const o = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  if (typeof o.name !== 'string' || !isRole(o.role) || typeof o.csrf_token !== 'string' || o.csrf_token === '') {
    throw new ApiError('invalid session in response', status, 'bad_response');
  }
  return {
    info: { name: o.name, role: o.role, expiresAt: typeof o.expires_at === 'string' ? o.expires_at : '' },
    csrf: o.csrf_token,
  };
}

/** Creates the session of a page; `base` is the API root. */
export function createSession(fetchFn: FetchFn = (i, init) => fetch(i, init), base = '/api/v1'): Session {
  let info: SessionInfo | null = null;
  // The CSRF token of the current session: in memory only.
  let csrf: string | null = null;
  const listeners = new Set<(info: SessionInfo | null) => void>();

  const set = (next: { info: SessionInfo; csrf: string } | null) => {
    const before = info;
    info = next ? next.info : null;
    csrf = next ? next.csrf : null;
    const same = before === null ? info === null : info !== null && before.name === info.name && before.role === info.role;
    if (!same) for (const fn of [...listeners]) fn(info);
  };

  const send = async (url: string, init: RequestInit): Promise<Response> => {
    try {
      return await fetchFn(url, withCsrf(init, csrf));
    } catch (err) {
      if (isAbort(err)) throw err;
      throw new ApiError(err instanceof Error ? err.message : String(err), 0, 'network');
    }
  };

  const readJson = async (res: Response): Promise<unknown> => {
    try {
      return await res.json();
    } catch (err) {
      if (isAbort(err)) throw err;
      throw new ApiError('invalid JSON in response', res.status, 'bad_response');
    }
  };

  const url = `${base}/session`;

  return {
    get info() {
      return info;
    },

    async load(signal) {
      const res = await send(url, { method: 'GET', signal });
      if (res.status === 401) {
        set(null);
        return null;
      }
      if (!res.ok) throw await toApiError(res);
      const body = await readJson(res);
      // The server answers {"signed_in":false} to a caller who is not signed in.
      if (body !== null && typeof body === 'object' && (body as Record<string, unknown>).signed_in === false) {
        set(null);
        return null;
      }
      const s = parseSession(body, res.status);
      set(s);
      return s.info;
    },

    async signIn(token) {
      const res = await send(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token }),
      });
      if (!res.ok) throw await toApiError(res);
      const s = parseSession(await readJson(res), res.status);
      set(s);
      return s.info;
    },

    async signOut() {
      const res = await send(url, { method: 'DELETE' });
      // 401: the session had already ended on the server.
      if (!res.ok && res.status !== 401) throw await toApiError(res);
      set(null);
    },

    async request(path, init = {}) {
      const res = await send(path, init);
      if (res.ok) return res;
      if (res.status === 401) set(null);
      throw await toApiError(res);
    },

    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
