import type { I18n, MessageKey } from './i18n';

/**
 * The seven cause-of-death categories of the Missing Migrants Project, as the
 * API stores them in `cause_category`, each with its catalogue key.
 */
export const CAUSE_CATEGORIES: readonly { value: string; key: MessageKey }[] = [
  { value: 'Drowning', key: 'cause.drowning' },
  { value: 'Vehicle accident / death linked to hazardous transport', key: 'cause.vehicle' },
  { value: 'Violence', key: 'cause.violence' },
  { value: 'Harsh environmental conditions / lack of adequate shelter, food, water', key: 'cause.harsh' },
  { value: 'Sickness / lack of access to adequate healthcare', key: 'cause.sickness' },
  { value: 'Accidental death', key: 'cause.accidental' },
  { value: 'Mixed or unknown', key: 'cause.mixed' },
];

/** Reports whether v is one of the seven cause categories. */
export function isCauseCategory(v: string): boolean {
  return CAUSE_CATEGORIES.some((c) => c.value === v);
}

/** The label of a cause category in the current language; unknown values are shown as they are. */
export function causeLabel(i18n: I18n, value: string): string {
  const c = CAUSE_CATEGORIES.find((x) => x.value === value);
  return c ? i18n.t(c.key) : value;
}

/** The service categories the catalogue names, in the order the dashboard lists them. */
export const SERVICE_CATEGORIES = [
  'health', 'legal', 'psychosocial', 'protection', 'shelter', 'food', 'wash', 'information', 'cash', 'rescue',
] as const;

/** The label of a service category in the current language; unknown values are shown as they are. */
export function serviceCategoryLabel(i18n: I18n, value: string): string {
  const key = `serviceCategory.${value}`;
  return i18n.has(key) ? i18n.t(key) : value;
}

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
