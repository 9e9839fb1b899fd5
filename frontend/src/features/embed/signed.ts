import { ApiError } from '../../shared/api';
import { safeHttpUrl } from '../layers/popup';
import type { Session } from '../session/session';
import { cleanLang, cleanTitle, filterParams, isBBoxView, type BBox, type EmbedState } from './state';

/**
 * Signed embeds: `POST /api/v1/embeds` (signed-in staff, editors and
 * administrators, with the session cookie and the CSRF token) makes a token
 * that fixes an embed's view, layers, filters, title and date, at the public
 * or the partner tier, for 1 to 365 days.
 */

/** The privacy tiers a signed embed can have. */
export type SignedTier = 'public' | 'partner';

/** Bounds of a signed embed's lifetime, in days. */
export const EXPIRY_DAYS = { min: 1, max: 365, default: 30 } as const;

/** The body of POST /api/v1/embeds. */
export interface SignedEmbedBody {
  name: string;
  tier: SignedTier;
  view: { bbox: BBox };
  layers: string[];
  params: string;
  title: string;
  lang: string;
  legend: boolean;
  asof: string;
  expires_in_days: number;
}

/** A signed embed the server made. */
export interface SignedEmbed {
  id: string;
  token: string;
  /** The embed's absolute URL (`…/embed?token=…`). */
  url: string;
  /** RFC 3339, '' when not said. */
  expiresAt: string;
  tier: SignedTier;
}

/** Reports whether n is a whole number of days a signed embed may last. */
export function isExpiryDays(n: number): boolean {
  return Number.isInteger(n) && n >= EXPIRY_DAYS.min && n <= EXPIRY_DAYS.max;
}

/**
 * The request body for a state whose view is a box: the filters and risk
 * settings as a query string in the dashboard's format.
 */
export function signedEmbedBody(
  state: EmbedState & { view: { bbox: BBox } }, name: string, tier: SignedTier, days: number,
): SignedEmbedBody {
  return {
    name: name.trim(),
    tier,
    view: { bbox: [...state.view.bbox] },
    layers: [...(state.layers ?? [])],
    params: filterParams(state),
    title: cleanTitle(state.title),
    lang: cleanLang(state.lang),
    legend: state.legend,
    asof: state.asof,
    expires_in_days: days,
  };
}

/**
 * Reads the answer of POST /api/v1/embeds; null when it holds no id or
 * token. A URL that is not http(s) is replaced by `{origin}/embed?token=…`.
 */
export function parseSignedEmbed(v: unknown, origin: string): SignedEmbed | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.id !== 'string' || o.id === '' || typeof o.token !== 'string' || o.token === '') return null;
  const url = (typeof o.url === 'string' ? safeHttpUrl(o.url) : null) ?? `${origin}/embed?${new URLSearchParams({ token: o.token }).toString()}`;
  return {
    id: o.id,
    token: o.token,
    url,
    expiresAt: typeof o.expires_at === 'string' ? o.expires_at : '',
    tier: o.tier === 'partner' ? 'partner' : 'public',
  };
}

/** Makes a signed embed; rejects with the server's ApiError (400, 403) or a bad_response one. */
export async function createSignedEmbed(session: Session, body: SignedEmbedBody, origin: string, base = '/api/v1'): Promise<SignedEmbed> {
  const res = await session.request(`${base}/embeds`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    throw new ApiError('invalid JSON in response', res.status, 'bad_response');
  }
  const made = parseSignedEmbed(json, origin);
  if (!made) throw new ApiError('the answer holds no embed token', res.status, 'bad_response');
  return made;
}

/** Reports whether a state's view is a box (a signed embed needs one). */
export function hasBBox(state: EmbedState): state is EmbedState & { view: { bbox: BBox } } {
  return state.view !== undefined && isBBoxView(state.view);
}
