import type { PrivacyTier } from '../../shared/api';
import type { I18n } from '../../shared/i18n';
import { el } from '../../shared/dom';

/**
 * The privacy tier badge of the page header: what the server shows of the
 * restricted layers to whoever is looking (counts per area, rounded
 * positions, or exact ones), as its answers state in X-Privacy-Tier.
 */

/** What the badge says for a tier. */
export function tierText(i18n: I18n, tier: PrivacyTier): string {
  switch (tier) {
    case 'staff':
      return i18n.t('tier.staff');
    case 'partner':
      return i18n.t('tier.partner');
    default:
      return i18n.t('tier.public');
  }
}

/** The badge: an element for the header, and its update. */
export interface TierBadge {
  element: HTMLElement;
  /** Shows a tier; null (not known yet) empties the badge. */
  set(tier: PrivacyTier | null): void;
}

/**
 * Builds the badge, empty until a tier is known. It is a polite status
 * region that stays in the page (empty, it takes no room), so a change
 * after signing in or out is announced.
 */
export function createTierBadge(i18n: I18n): TierBadge {
  const badge = el('p', { id: 'tier-badge', class: 'tier-badge', role: 'status', 'aria-live': 'polite' });
  return {
    element: badge,
    set(tier) {
      if (tier === null) {
        badge.textContent = '';
        delete badge.dataset.tier;
        return;
      }
      badge.dataset.tier = tier;
      badge.textContent = tierText(i18n, tier);
    },
  };
}
