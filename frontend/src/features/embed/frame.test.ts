import { describe, expect, it } from 'vitest';
import { createI18n } from '../../shared/i18n';
import { createEmbedError, createEmbedFrame, formatAsOf } from './frame';

const i18n = createI18n();

describe('embed frame', () => {
  it('shows a hostile title as text, the date, the legend and no tier for the public', () => {
    const f = createEmbedFrame(i18n, { title: '<img src=x onerror=alert(1)>', asof: '2026-11-27', legend: true });
    document.body.replaceChildren(f.element);
    expect(document.getElementById('embed-title')!.textContent).toBe('<img src=x onerror=alert(1)>');
    expect(document.querySelector('img')).toBeNull();
    expect(document.getElementById('embed-asof')!.textContent).toBe('As of November 27, 2026');
    expect(document.querySelector('#embed-asof time')!.getAttribute('datetime')).toBe('2026-11-27');
    expect(f.legendBody).not.toBeNull();
    expect((document.getElementById('embed-legend') as HTMLDetailsElement).open).toBe(true);
    f.setTier('public');
    expect(document.getElementById('embed-tier')!.hidden).toBe(true);
    f.setTier('partner');
    expect(document.getElementById('embed-tier')!.hidden).toBe(false);
    expect(document.getElementById('embed-tier')!.textContent).toBe('Partner view: positions rounded to about 10 km');
  });

  it('has no header without a title and no legend when it is off', () => {
    const f = createEmbedFrame(i18n, { title: '', asof: '2026-01-05', legend: false });
    expect(f.element.querySelector('header')).toBeNull();
    expect(f.element.querySelector('#embed-legend')).toBeNull();
    expect(f.legendBody).toBeNull();
  });

  it('links the image and the dashboard once they are known', () => {
    const f = createEmbedFrame(i18n, { title: 'T', asof: '2026-01-05', legend: true });
    const download = f.element.querySelector<HTMLAnchorElement>('#embed-download')!;
    const open = f.element.querySelector<HTMLAnchorElement>('#embed-open')!;
    expect([download.hidden, open.hidden]).toEqual([true, true]);
    f.setDownload('/api/v1/render.png?bbox=1,2,3,4');
    f.setOpen('./?z=3&lat=1&lon=2');
    expect([download.hidden, open.hidden]).toEqual([false, false]);
    expect(download.getAttribute('href')).toBe('/api/v1/render.png?bbox=1,2,3,4');
    expect(download.hasAttribute('download')).toBe(true);
    expect(download.textContent).toBe('Download image');
    expect([open.target, open.rel, open.textContent]).toEqual(['_blank', 'noopener', 'Open in RouteRisk']);
    f.setStatus('Could not load', true);
    expect(f.element.querySelector('#embed-status')!.className).toContain('status-error');
  });

  it('shows an error as text, on its own', () => {
    const e = createEmbedError(i18n, '<b>revoked</b>');
    expect(e.getAttribute('role')).toBe('alert');
    expect(e.querySelector('h1')!.textContent).toBe('This map cannot be shown');
    expect(e.querySelector('p')!.textContent).toBe('<b>revoked</b>');
    expect(e.querySelector('b')).toBeNull();
  });

  it('writes the date in words, or as given when it is not a date', () => {
    expect(formatAsOf(i18n, '2026-02-01')).toBe('February 1, 2026');
    expect(formatAsOf(i18n, 'soon')).toBe('soon');
  });
});
