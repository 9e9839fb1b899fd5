import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LayerMeta } from '../../shared/api';
import { createI18n } from '../../shared/i18n';
import { createUploadPage, kindToPublish, sizeText } from './page';
import type { NewLayer, PublishOptions, UploadApi, UploadFile, ValidateOptions, Validation } from './uploadapi';

const i18n = createI18n();
const HOSTILE = '<img src=x onerror=alert(1)>';

const validation = (mapping: Record<string, string>): Validation => ({
  format: 'csv', kind: 'service', layout: '', columns: ['name', 'category', 'lat', 'lon'], mapping, fields: ['name', 'category'],
  report: {
    read: 3, accepted: 2, repaired: 0, rejected: 1, counts: { coordinates_out_of_range: 1 },
    issues: [{ feature: 3, id: '', field: 'geometry', code: 'coordinates_out_of_range', message: `latitude 200 ${HOSTILE}`, action: 'rejected' }],
  },
  preview: {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', geometry: { type: 'Point', coordinates: [13.18, 32.89] }, properties: { name: HOSTILE, category: 'health' } },
      { type: 'Feature', geometry: { type: 'Point', coordinates: [13.2, 32.9] }, properties: { name: 'Clinic B', category: '<script>alert(2)</script>' } },
    ],
  },
  bbox: [13.18, 32.89, 13.2, 32.9],
  notes: [`delimiter "," ${HOSTILE}`],
});

const meta = (id: string, version: number): LayerMeta => ({ id, kind: 'service', title: id, sources: [], sensitivity: 'public', version, feature_count: 2 });

function fakeApi() {
  const calls: { validate: ValidateOptions[]; create: [NewLayer, PublishOptions][]; replace: [string, PublishOptions][] } = { validate: [], create: [], replace: [] };
  const layers: LayerMeta[] = [meta('existing', 4)];
  const api: UploadApi = {
    validate: async (_f: UploadFile, o) => {
      calls.validate.push(o);
      return validation(o.mapping ?? { name: 'name', category: 'category' });
    },
    create: async (_f, layer, o) => {
      calls.create.push([layer, o]);
      const m = meta(layer.id, 1);
      layers.push(m);
      return { layer: m, report: validation({}).report };
    },
    replace: async (id, _f, o) => {
      calls.replace.push([id, o]);
      return { layer: meta(id, 5), report: validation({}).report };
    },
    layers: async () => [...layers],
    versions: async (id) => ({ current: layers.find((l) => l.id === id)?.version ?? 0, versions: [meta(id, 1)] }),
    restore: async (id) => meta(id, 2),
    remove: async () => {},
  };
  return { api, calls };
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
};

beforeAll(() => {
  // The basemap is not needed: its fetch fails at once.
  vi.stubGlobal('fetch', async () => {
    throw new TypeError('offline');
  });
});
afterAll(() => {
  vi.unstubAllGlobals();
});

describe('upload page', () => {
  it('checks a chosen file and shows format, mapping, report and preview, all as text', async () => {
    const { api, calls } = fakeApi();
    const page = createUploadPage(i18n, { api, confirm: async () => true });
    document.body.replaceChildren(page.element);
    await page.refreshLayers();
    const input = document.querySelector<HTMLInputElement>('#upload-input')!;
    expect(input.accept).toBe('.geojson,.json,.csv,.tsv,.txt,.kml,.kmz,.gpx,.zip,.gpkg,.osm,.pbf');
    expect(input.labels?.[0]?.textContent).toBe('File');

    await page.choose(new File(['name,category,lat,lon\n'], 'services.csv', { type: 'text/csv' }));
    expect(calls.validate).toEqual([{ kind: '', format: '', mapping: null }]);
    expect(document.querySelector('#upload-chosen')!.textContent).toBe('File: services.csv (1 kB)');
    expect(document.querySelector('#check-message')!.textContent).toBe('“services.csv” checked: 3 read, 2 accepted, 0 repaired, 1 rejected.');
    const summary = [...document.querySelectorAll('.check-summary dd')].map((d) => d.textContent);
    expect(summary).toEqual(['CSV or TSV', 'Services', 'None recognised: generic columns']);
    expect(document.querySelector('.check-notes li')!.textContent).toBe(`delimiter "," ${HOSTILE}`);

    // The report: one rejected feature, its message as text.
    const rejected = document.querySelector<HTMLTableRowElement>('.report-issues tbody tr[data-action="rejected"]')!;
    expect(rejected.cells[4]!.textContent).toBe(`latitude 200 ${HOSTILE}`);
    expect(document.querySelector('.report')!.getAttribute('data-rejected')).toBe('1');

    // The preview draws both points and lists them; names are text.
    const preview = document.querySelector<HTMLElement>('.preview')!;
    expect(preview.dataset.count).toBe('2');
    expect(preview.querySelectorAll('path.leaflet-interactive')).toHaveLength(2);
    const items = [...preview.querySelectorAll<HTMLButtonElement>('.preview-item')];
    expect(items.map((b) => b.textContent)).toEqual([`1. ${HOSTILE}`, '2. Clinic B']);
    items[0]!.click();
    const popup = document.querySelector('.leaflet-popup-content .popup')!;
    expect(popup.querySelector('.popup-title')!.textContent).toBe(HOSTILE);
    expect(document.activeElement).toBe(popup);
    items[1]!.click();
    expect(document.querySelector('.leaflet-popup-content .popup')!.textContent).toContain('<script>alert(2)</script>');
    expect(document.querySelector('img, script')).toBeNull();

    // Another column for a field: checked again with the whole mapping.
    const category = document.querySelector<HTMLSelectElement>('select[data-field="category"]')!;
    category.value = 'name';
    category.dispatchEvent(new Event('change'));
    await settle();
    expect(calls.validate.at(-1)).toEqual({ kind: '', format: '', mapping: { name: 'name', category: 'name' } });
    expect(document.querySelector<HTMLSelectElement>('select[data-field="category"]')).toBe(category);
    expect(category.value).toBe('name');

    // Another kind: checked again without the mapping.
    const kind = document.querySelector<HTMLSelectElement>('#upload-kind')!;
    kind.value = 'incident';
    kind.dispatchEvent(new Event('change'));
    await settle();
    expect(calls.validate.at(-1)).toEqual({ kind: 'incident', format: '', mapping: null });
  });

  it('publishes a new layer with the checked mapping, then shows its versions', async () => {
    const { api, calls } = fakeApi();
    const page = createUploadPage(i18n, { api, confirm: async () => true });
    document.body.replaceChildren(page.element);
    await page.refreshLayers();
    const submit = document.querySelector<HTMLButtonElement>('#publish-submit')!;
    expect(submit.disabled).toBe(true);
    await page.choose(new File(['x'], 'services.csv'));
    expect(submit.disabled).toBe(false);

    const form = document.querySelector<HTMLFormElement>('#publish-form')!;
    form.requestSubmit(submit);
    await settle();
    expect(calls.create).toEqual([]);
    expect(document.querySelector('#publish-message')!.textContent).toBe('Correct 4 fields first.');
    expect(document.activeElement).toBe(document.querySelector('#publish-id'));
    expect(document.querySelector('#publish-id')!.getAttribute('aria-invalid')).toBe('true');

    const set = (id: string, v: string) => {
      const el = document.querySelector<HTMLInputElement | HTMLSelectElement>(`#publish-${id}`)!;
      el.value = v;
    };
    set('id', 'new-services');
    set('title', 'New services');
    set('source', 'Survey');
    set('license', 'CC BY 4.0');
    set('onError', 'skip');
    set('coverageCountries', 'IT, MT');
    form.requestSubmit(submit);
    await settle();
    expect(calls.create).toEqual([[
      { id: 'new-services', title: 'New services', sensitivity: 'public', source: 'Survey', license: 'CC BY 4.0', kind: 'service' },
      { mapping: null, onError: 'skip', format: '', coverage: { countries: 'IT, MT' } },
    ]]);
    expect(document.querySelector('#publish-message')!.textContent).toBe(
      'Published “new-services” (new-services) as version 1 with 2 features. 3 read, 2 accepted, 0 repaired, 1 rejected.',
    );
    expect(form.dataset.version).toBe('1');
    expect(document.querySelector<HTMLSelectElement>('#versions-layer')!.value).toBe('new-services');
    expect(document.querySelectorAll('.versions-table tbody tr')).toHaveLength(1);
    expect(document.querySelector<HTMLAnchorElement>('.publish-map-link')!.getAttribute('href')).toBe('./?layers=new-services');

    // A new version of an existing layer.
    document.querySelector<HTMLInputElement>('#publish-mode-replace')!.click();
    expect(document.querySelector<HTMLElement>('.publish-new')!.hidden).toBe(true);
    set('target', 'existing');
    document.querySelector('#publish-target')!.dispatchEvent(new Event('change'));
    await settle();
    set('coverageCountries', '');
    form.requestSubmit(submit);
    await settle();
    expect(calls.replace).toEqual([['existing', { mapping: null, onError: 'skip', format: '', kind: 'service', coverage: {} }]]);

    // A mapping changed by the user is sent with the publication.
    const category = document.querySelector<HTMLSelectElement>('select[data-field="category"]')!;
    category.value = '';
    category.dispatchEvent(new Event('change'));
    await settle();
    expect(calls.validate.at(-1)!.mapping).toEqual({ name: 'name', category: '' });
    form.requestSubmit(submit);
    await settle();
    expect(calls.replace.at(-1)![1].mapping).toEqual({ name: 'name', category: '' });
    expect(document.querySelector('#publish-message')!.textContent).toContain('Published version 5 of “existing”');
  });

  it('checks a file dropped on the drop zone', async () => {
    const { api, calls } = fakeApi();
    const page = createUploadPage(i18n, { api, confirm: async () => true });
    document.body.replaceChildren(page.element);
    const zone = document.querySelector<HTMLElement>('#upload-drop')!;
    const dragEvent = (type: string, files: File[] = []) => {
      const e = new Event(type, { bubbles: true, cancelable: true });
      Object.defineProperty(e, 'dataTransfer', { value: { files, dropEffect: 'none' } });
      zone.dispatchEvent(e);
      return e;
    };
    expect(dragEvent('dragover').defaultPrevented).toBe(true);
    expect(zone.classList.contains('dragover')).toBe(true);
    const drop = dragEvent('drop', [new File(['x'], 'dropped.geojson')]);
    expect(drop.defaultPrevented).toBe(true);
    expect(zone.classList.contains('dragover')).toBe(false);
    await settle();
    expect(calls.validate).toHaveLength(1);
    expect(document.querySelector('#upload-chosen')!.textContent).toBe('File: dropped.geojson (1 kB)');
  });

  it('picks the kind to publish and writes sizes', () => {
    expect(kindToPublish('', 'incident')).toBe('incident');
    expect(kindToPublish('service', 'incident')).toBe('service');
    expect(kindToPublish('', '')).toBeNull();
    expect(sizeText(i18n, 3 * 1024 * 1024 + 200_000)).toBe('3.2 MB');
  });
});
