import { ApiError, isAbort } from '../../shared/api';
import type { Session } from '../session/session';

/**
 * The client of the admin endpoints: one page of the audit log, the list of
 * signed embeds and their withdrawal. Every request goes through the
 * session (cookie, and the CSRF token on the withdrawal). Every answer is
 * untrusted and read field by field; text stays text.
 */

/** One line of the audit log, as GET /audit gives it (missing fields are '' or 0). */
export interface AuditEntry {
  /** RFC 3339 time of the event. */
  time: string;
  actor: string;
  action: string;
  layer: string;
  version: number;
  outcome: string;
  requestId: string;
  format: string;
  bytes: number;
  features: number;
  rejected: number;
  detail: string;
  before: string;
  after: string;
  source: string;
  count: number;
}

/** One page of the audit log, newest first. */
export interface AuditPage {
  entries: AuditEntry[];
  /** The cursor of the next (older) page; null once the oldest entry is on this one. */
  nextBefore: string | null;
}

/** A signed embed, as GET /embeds lists it. */
export interface EmbedRecord {
  id: string;
  name: string;
  tier: string;
  layers: string[];
  /** The dashboard filters the embed shows, as a query string ('' when none, or not kept). */
  params: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  /** When it was withdrawn, or null while it is not. */
  revokedAt: string | null;
}

/** The client of the admin endpoints. */
export interface AdminApi {
  /**
   * GET /audit: `limit` entries older than the cursor `before` (the newest
   * when null) that pass `filters` (the server's actor, action, from, to).
   */
  auditPage(before: string | null, filters?: URLSearchParams, limit?: number, signal?: AbortSignal): Promise<AuditPage>;
  /** GET /embeds: every signed embed, withdrawn ones included. */
  embeds(signal?: AbortSignal): Promise<EmbedRecord[]>;
  /** DELETE /embeds/{id}: withdraws an embed. */
  withdraw(id: string): Promise<void>;
}

/** Entries on one page of the audit log the admin page asks for. */
export const AUDIT_PAGE_SIZE = 100;

/** Creates the admin client of a session; `base` is the API root. */
export function createAdminApi(session: Session, base = '/api/v1'): AdminApi {
  const json = async (res: Response): Promise<unknown> => {
    try {
      return await res.json();
    } catch (err) {
      if (isAbort(err)) throw err;
      throw new ApiError('invalid JSON in response', res.status, 'bad_response');
    }
  };
  return {
    async auditPage(before, filters, limit = AUDIT_PAGE_SIZE, signal) {
      const q = new URLSearchParams(filters);
      q.set('limit', String(limit));
      if (before) q.set('before', before);
      const res = await session.request(`${base}/audit?${q.toString()}`, { method: 'GET', signal });
      return parseAuditPage(await json(res));
    },
    async embeds(signal) {
      const res = await session.request(`${base}/embeds`, { method: 'GET', signal });
      return parseEmbeds(await json(res));
    },
    async withdraw(id) {
      await session.request(`${base}/embeds/${encodeURIComponent(id)}`, { method: 'DELETE' });
    },
  };
}

/** Reads a page of the audit log; entries that are not objects are left out. */
export function parseAuditPage(v: unknown): AuditPage {
  const o = asObject(v);
  const entries = (Array.isArray(o.entries) ? o.entries : [])
    .filter((e) => e !== null && typeof e === 'object' && !Array.isArray(e))
    .map((e) => parseAuditEntry(e as Record<string, unknown>));
  const next = typeof o.next_before === 'string' && o.next_before !== '' ? o.next_before : null;
  return { entries, nextBefore: next };
}

function parseAuditEntry(e: Record<string, unknown>): AuditEntry {
  return {
    time: text(e.time), actor: text(e.actor), action: text(e.action), layer: text(e.layer), version: count(e.version),
    outcome: text(e.outcome), requestId: text(e.request_id), format: text(e.format), bytes: count(e.bytes),
    features: count(e.features), rejected: count(e.rejected), detail: text(e.detail), before: text(e.before),
    after: text(e.after), source: text(e.source), count: count(e.count),
  };
}

/** Reads the list of embeds; records without an id are left out. */
export function parseEmbeds(v: unknown): EmbedRecord[] {
  const list = asObject(v).embeds;
  const out: EmbedRecord[] = [];
  for (const item of Array.isArray(list) ? list : []) {
    const r = asObject(item);
    const id = text(r.id);
    if (id === '') continue;
    const revoked = text(r.revoked_at);
    out.push({
      id, name: text(r.name), tier: text(r.tier),
      layers: Array.isArray(r.layers) ? r.layers.filter((s): s is string => typeof s === 'string') : [],
      params: text(r.params), createdBy: text(r.created_by), createdAt: text(r.created_at), expiresAt: text(r.expires_at),
      revokedAt: revoked === '' ? null : revoked,
    });
  }
  return out;
}

function asObject(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
