import { describe, expect, it } from 'vitest';
import type { LayerMeta } from '../../shared/api';
import { createI18n } from '../../shared/i18n';
import { createLayerList, renderAbout, sortLayers, summaryText } from './panel';
import { describeError, StatusRegion } from '../../shared/status';
import { ApiError } from '../../shared/api';

const i18n = createI18n();
const meta = (id: string, kind: LayerMeta['kind'], title = id, extra: Partial<LayerMeta> = {}): LayerMeta => ({
  id, kind, title, sources: [], sensitivity: 'public', version: 1, feature_count: 0, ...extra,
});

describe('panel', () => {
  it('orders layers routes, incidents, services, areas', () => {
    const sorted = sortLayers([meta('s', 'service'), meta('a', 'area'), meta('i', 'incident'), meta('r2', 'route', 'B'), meta('r1', 'route', 'A')], 'en');
    expect(sorted.map((m) => m.id)).toEqual(['r1', 'r2', 'i', 's', 'a']);
  });

  it('formats counts and totals', () => {
    expect(summaryText(i18n, { status: 'ready', shown: 17846, totals: { dead: 1000, missing: 2 } })).toEqual({
      count: '17,846 features shown',
      totals: '1,000 dead · 2 missing',
      note: '',
    });
    expect(summaryText(i18n, { status: 'hidden', shown: 0 }).count).toBe('Not shown');
    expect(summaryText(i18n, { status: 'ready', shown: 12104, unit: 'segments', detail: '264 critical · 520 high' })).toEqual({
      count: '12,104 route segments shown',
      totals: '264 critical · 520 high',
      note: '',
    });
    expect(summaryText(i18n, { status: 'ready', shown: 1, unit: 'cells' }).count).toBe('1 cell shown');
    expect(summaryText(i18n, { status: 'loading', shown: 0 }).count).toBe('Loading…');
  });

  it('builds a labelled checkbox per layer and shows counts as data', () => {
    const toggled: [string, boolean][] = [];
    const list = createLayerList(i18n, [meta('incidents', 'incident', '<img src=x>'), meta('routes', 'route')], new Set(['incidents']), (id, on) => toggled.push([id, on]));
    document.body.replaceChildren(list.element);
    const box = document.querySelector<HTMLInputElement>('#layer-incidents')!;
    expect(box.checked).toBe(true);
    expect(document.querySelector<HTMLInputElement>('#layer-routes')!.checked).toBe(false);
    expect(box.labels![0]!.textContent).toBe('<img src=x>');
    expect(document.querySelector('img')).toBeNull();
    box.click();
    expect(toggled).toEqual([['incidents', false]]);
    list.setSummary('incidents', { status: 'ready', shown: 12, totals: { dead: 3, missing: 4 } });
    expect(document.querySelector<HTMLElement>('#count-incidents')!.dataset.count).toBe('12');
    expect(document.querySelector<HTMLElement>('#totals-incidents')!.dataset.dead).toBe('3');
    list.setSummary('incidents', { status: 'loading', shown: 0 });
    expect(document.querySelector<HTMLElement>('#count-incidents')!.dataset.count).toBeUndefined();
  });

  it('lists every source with its licence, linking only http(s) URLs', () => {
    const el = renderAbout(i18n, [
      meta('incidents', 'incident', 'Incidents', {
        sources: [
          { name: 'IOM Missing Migrants Project', url: 'https://missingmigrants.iom.int', license: 'CC BY-IGO', attribution: 'IOM' },
          { name: '<script>x</script>', url: 'javascript:alert(1)', license: 'ODbL', attribution: '' },
        ],
      }),
    ], { tile_url: '', tile_attribution: '', version: '1.2.3' }, false);
    expect(el.querySelectorAll('a')).toHaveLength(1);
    expect(el.querySelector('a')!.href).toBe('https://missingmigrants.iom.int/');
    expect(el.textContent).toContain('Licence: CC BY-IGO');
    expect(el.textContent).toContain('Licence: ODbL');
    expect(el.textContent).toContain('<script>x</script>');
    expect(el.querySelector('script')).toBeNull();
    expect(el.textContent).toContain('Natural Earth');
    expect(el.textContent).toContain('Server version 1.2.3');
  });
});

describe('status region', () => {
  it('is a polite live region and clears messages by subject', () => {
    const s = new StatusRegion();
    expect(s.element.getAttribute('role')).toBe('status');
    expect(s.element.getAttribute('aria-live')).toBe('polite');
    s.set('a', '<b>one</b>', true);
    s.set('b', 'two');
    expect(s.element.querySelector('b')).toBeNull();
    expect(s.texts()).toEqual(['<b>one</b>', 'two']);
    s.clear('a');
    expect(s.texts()).toEqual(['two']);
  });

  it('names what failed and the request id', () => {
    expect(describeError(i18n, 'the list of layers', new ApiError('boom', 500, 'internal', 'req-9'))).toBe(
      'Could not load the list of layers: boom (request req-9)',
    );
    expect(describeError(i18n, 'x', new ApiError('Failed to fetch', 0, 'network'))).toBe('Could not load x: the server could not be reached');
  });
});

describe('about the data', () => {
  it('states the purpose and acceptable use before the layers', () => {
    const about = renderAbout(createI18n(), [], null, false);
    const purpose = about.querySelector('#about-purpose');
    expect(purpose?.textContent).toContain('not for enforcement, interdiction or surveillance');
    expect(about.querySelector('article')).toBe(purpose);
  });
});
