import type { I18n } from './i18n';

/** The kinds of layer the API knows. */
export type Kind = 'route' | 'incident' | 'service' | 'area' | 'exposure' | 'event';

/** The kinds a layer may be uploaded as, in the order the upload page offers them. */
export const KINDS: readonly Kind[] = ['route', 'incident', 'service', 'area', 'exposure', 'event'];

/** Reports whether v is a known layer kind. */
export function isKind(v: unknown): v is Kind {
  return typeof v === 'string' && (KINDS as readonly string[]).includes(v);
}

/**
 * Reports whether layers of a kind are drawn on a map: every kind but
 * exposure, whose features are counts per route and month without geometry.
 */
export function isDrawn(kind: Kind): boolean {
  return kind !== 'exposure';
}

/** The label of a layer kind (plural, as a legend heading). */
export function kindLabel(i18n: I18n, kind: Kind): string {
  return i18n.t(`kind.${kind}`);
}

/** Layer ids are slugs: lower-case letters, digits and hyphens, 1–63 characters. */
export const LAYER_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
