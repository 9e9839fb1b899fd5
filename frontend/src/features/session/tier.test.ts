import { describe, expect, it } from 'vitest';
import { createI18n } from '../../shared/i18n';
import { createTierBadge, tierText } from './tier';

const i18n = createI18n();

describe('privacy tier badge', () => {
  it('says what each tier shows', () => {
    expect(tierText(i18n, 'public')).toBe('Public view: restricted layers shown as counts per area');
    expect(tierText(i18n, 'partner')).toBe('Partner view: positions rounded to about 10 km');
    expect(tierText(i18n, 'staff')).toBe('Staff view: exact positions');
  });

  it('is a polite status region, empty until the tier is known, and follows it', () => {
    const badge = createTierBadge(i18n);
    document.body.replaceChildren(badge.element);
    const el = document.getElementById('tier-badge')!;
    expect(el.getAttribute('role')).toBe('status');
    expect(el.getAttribute('aria-live')).toBe('polite');
    expect(el.textContent).toBe('');
    expect(el.dataset.tier).toBeUndefined();
    badge.set('public');
    expect(el.textContent).toBe('Public view: restricted layers shown as counts per area');
    expect(el.dataset.tier).toBe('public');
    badge.set('staff');
    expect(el.textContent).toBe('Staff view: exact positions');
    expect(el.dataset.tier).toBe('staff');
    badge.set(null);
    expect(el.textContent).toBe('');
    expect(el.dataset.tier).toBeUndefined();
    expect(el.children).toHaveLength(0);
  });
});
