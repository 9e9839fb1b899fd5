import type { I18n } from './i18n';

/** The kinds of layer the API knows. */
export type Kind = 'route' | 'incident' | 'service' | 'area';

/** Reports whether v is a known layer kind. */
export function isKind(v: unknown): v is Kind {
  return v === 'route' || v === 'incident' || v === 'service' || v === 'area';
}

/** The label of a layer kind (plural, as a legend heading). */
export function kindLabel(i18n: I18n, kind: Kind): string {
  return i18n.t(`kind.${kind}`);
}

/** Layer ids are slugs: lower-case letters, digits and hyphens, 1–63 characters. */
export const LAYER_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
