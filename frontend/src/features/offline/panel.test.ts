import { afterEach, describe, expect, it } from 'vitest';
import { createI18n } from '../../shared/i18n';
import { ar } from '../../shared/i18n/ar';
import { validateManifest } from './manifest';
import { createPackPanel, packErrorKey } from './panel';
import { PACK_LAYER_IDS, zeroCounts, type PackLayerId } from './paint';
import { createOfflineViewer } from './viewer';
import { HOSTILE, sampleManifest, utf8, zipPack } from './testdata/packfixture';

const i18n = createI18n();

function hostileManifest() {
  return validateManifest(sampleManifest({
    tier: 'partner',
    data_through: undefined,
    attribution: HOSTILE,
    layers: [{
      id: HOSTILE, title: HOSTILE, kind: HOSTILE, version: HOSTILE, updated_at: HOSTILE, features: 2,
      sources: [
        { name: HOSTILE, url: 'javascript:alert(1)', license: HOSTILE, attribution: HOSTILE },
        { name: 'Study', url: 'https://example.org/a?b=<c>', license: 'CC BY 4.0', attribution: 'Team' },
        { name: '', url: ' JaVaScRiPt:alert(2)', license: '', attribution: '' },
      ],
    }],
  }));
}

describe('createPackPanel', () => {
  it('writes every manifest value as text, and links only http(s) sources', () => {
    const panel = createPackPanel(i18n, hostileManifest(), new Set(PACK_LAYER_IDS), () => {});
    const root = panel.element;
    expect(root.querySelector('img, script, iframe, [onerror]')).toBeNull();
    expect(root.textContent).toContain(HOSTILE);
    expect(root.querySelectorAll('#pack-caveats li')).toHaveLength(2);
    expect(root.querySelectorAll('#pack-caveats li')[1]!.textContent).toBe(HOSTILE);
    expect(root.querySelector('#pack-attribution')!.textContent).toBe(HOSTILE);
    const layer = root.querySelector('.pack-layer')!;
    expect(layer.getAttribute('data-layer')).toBe(HOSTILE);
    expect(layer.querySelector('h4')!.textContent).toBe(HOSTILE);
    const links = [...root.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.org/a?b=%3Cc%3E']);
    expect(links[0]!.rel).toBe('noopener noreferrer');
    const sources = [...root.querySelectorAll('.pack-source')].map((s) => s.textContent);
    expect(sources[0]).toBe(`${HOSTILE}Licence: ${HOSTILE}Credit: ${HOSTILE}`);
    expect(sources[2]).toBe(' JaVaScRiPt:alert(2)');
  });

  it('shows the area, tier and dates, and says when data_through is not given', () => {
    const root = createPackPanel(i18n, hostileManifest(), new Set(), () => {}).element;
    expect(root.querySelector('#pack-bbox')!.textContent).toBe('Longitude 10° to 20°, latitude 30° to 38°');
    expect(root.querySelector('#pack-tier')!.textContent).toBe('Partner');
    expect(root.querySelector('#pack-created')!.textContent).toMatch(/6 December 2026|December 6, 2026/);
    expect(root.querySelector('#pack-data-through')!.textContent).toBe('Not stated');
    const staff = createPackPanel(i18n, validateManifest(sampleManifest()), new Set(), () => {}).element;
    expect(staff.querySelector('#pack-data-through')!.textContent).toMatch(/30 November 2026|November 30, 2026/);
    expect(staff.querySelector('#pack-tier')!.textContent).toMatch(/^Staff/);
    const partner = createPackPanel(i18n, validateManifest(sampleManifest({ tier: 'partner', data_through: '2026-11' })), new Set(), () => {}).element;
    expect(partner.querySelector('#pack-data-through')!.textContent).toBe(i18n.formatMonth('2026-11'));
    expect(partner.querySelector('#pack-data-through')!.textContent).toMatch(/2026/);
    expect(staff.querySelector('.pack-layer-facts')!.textContent).toMatch(/^Version 3 · updated .*2026 · 4 features$/);
  });

  it('has a switch per vector layer that reports changes, and shows the counts drawn', () => {
    const changes: [PackLayerId, boolean][] = [];
    const panel = createPackPanel(i18n, validateManifest(sampleManifest()), new Set<PackLayerId>(['routes', 'labels']), (id, on) => changes.push([id, on]));
    document.body.append(panel.element);
    const boxes = [...panel.element.querySelectorAll<HTMLInputElement>('.pack-toggles input[type=checkbox]')];
    expect(boxes.map((b) => [b.id, b.checked])).toEqual([
      ['pack-toggle-routes', true], ['pack-toggle-services', false], ['pack-toggle-incidents', false], ['pack-toggle-hotspots', false], ['pack-toggle-labels', true],
    ]);
    expect(panel.element.querySelector('label[for=pack-toggle-labels]')!.textContent).toBe('Place and sea names');
    boxes[0]!.click();
    boxes[1]!.click();
    expect(changes).toEqual([['routes', false], ['services', true]]);
    panel.setCounts({ ...zeroCounts(), routes: 12, labels: 1234 });
    expect(panel.element.querySelector('#pack-drawn-routes')!.getAttribute('data-count')).toBe('12');
    expect(panel.element.querySelector('#pack-drawn-labels')!.textContent).toBe('(1,234 drawn)');
    panel.element.remove();
  });

  it('speaks the page language (Arabic)', () => {
    const root = createPackPanel(createI18n(ar), validateManifest(sampleManifest()), new Set(), () => {}).element;
    expect(root.querySelector('#pack-about-heading')!.textContent).toBe('عن هذه الحزمة');
  });

  it('has a message for every reason a pack is refused', () => {
    for (const r of ['notZip', 'noManifest', 'badManifest', 'wrongFormat', 'wrongVersion', 'noTiles', 'badTiles', 'tooLarge']) {
      expect(i18n.t(packErrorKey(r))).not.toBe(i18n.t('offline.error.unreadable'));
    }
    expect(packErrorKey('other')).toBe('offline.error.unreadable');
  });
});

describe('createOfflineViewer', () => {
  afterEach(() => {
    document.body.replaceChildren();
  });

  function viewer() {
    const v = createOfflineViewer(i18n);
    document.body.append(v.controls, v.mapElement);
    v.start();
    return v;
  }

  it('starts empty, with zero counts', () => {
    const v = viewer();
    expect(v.mapElement.dataset.packState).toBe('empty');
    for (const id of PACK_LAYER_IDS) expect(v.mapElement.getAttribute(`data-drawn-${id}`)).toBe('0');
    expect(v.controls.querySelector('label[for=pack-file]')!.textContent).toBe('Open a pack (.zip)');
    expect(v.controls.querySelector<HTMLInputElement>('#pack-file')!.accept).toContain('.zip');
  });

  it.each([
    ['a text file', utf8('hello'), 'This file is not a pack: it is not a zip file.'],
    ['a zip without a manifest', zipPack(null, null), 'This zip file is not a RouteRisk pack: it has no manifest.json.'],
    ['another version', zipPack(sampleManifest({ version: 7 }), null), 'a version of the pack format this page cannot read'],
    ['a hostile manifest', zipPack(JSON.stringify({ format: HOSTILE }), null), 'not a RouteRisk pack'],
  ])('shows an alert for %s, and stays usable', async (_, bytes, lead) => {
    const v = viewer();
    await v.open(new File([bytes as BlobPart], 'pack.zip'));
    expect(v.mapElement.dataset.packState).toBe('error');
    const alert = v.controls.querySelector('[role=alert]')!;
    expect(alert.querySelector('.pack-error-lead')!.textContent).toContain(lead);
    expect(alert.querySelector('.pack-error-detail')!.textContent).toMatch(/^Details: /);
    expect(alert.querySelector('img')).toBeNull();
  });
});
