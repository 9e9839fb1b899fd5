import { describe, expect, it } from 'vitest';
import type { LayerMeta } from '../../shared/api';
import type { ConfirmOptions } from '../../shared/dialog';
import { createI18n } from '../../shared/i18n';
import type { Versions } from './uploadapi';
import { createVersionsPanel, renderVersions, type VersionsApi } from './versions';

const i18n = createI18n();

const meta = (version: number, extra: Partial<LayerMeta> = {}): LayerMeta => ({
  id: 'clinics', kind: 'service', title: 'Clinics', sources: [], sensitivity: 'public', version,
  updated_at: `2026-03-0${version}T10:00:00Z`, updated_by: `editor ${version}`, feature_count: version * 10, ...extra,
});

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('version list', () => {
  it('lists versions newest first with date, by and features, and "Restore" on every older one', () => {
    const v: Versions = { current: 3, versions: [meta(3), meta(2, { updated_by: '<img src=x onerror=alert(1)>' }), meta(1)] };
    const restored: number[] = [];
    document.body.replaceChildren(renderVersions(i18n, meta(3), v, (n) => restored.push(n)));
    const rows = [...document.querySelectorAll<HTMLTableRowElement>('.versions-table tbody tr')];
    expect(rows.map((r) => r.dataset.version)).toEqual(['3', '2', '1']);
    expect(rows.map((r) => r.cells[0]!.textContent)).toEqual(['3 (current)', '2', '1']);
    expect(rows[1]!.cells[2]!.textContent).toBe('<img src=x onerror=alert(1)>');
    expect(document.querySelector('img')).toBeNull();
    expect(rows.map((r) => r.cells[3]!.textContent)).toEqual(['30', '20', '10']);
    expect(rows[0]!.cells[1]!.textContent).not.toBe('');
    expect(rows[0]!.querySelector('button')).toBeNull();
    const buttons = rows.slice(1).map((r) => r.querySelector('button')!);
    expect(buttons.map((b) => b.textContent)).toEqual(['Restore', 'Restore']);
    expect(buttons.map((b) => b.getAttribute('aria-label'))).toEqual(['Restore version 2 of “Clinics”', 'Restore version 1 of “Clinics”']);
    buttons[1]!.click();
    expect(restored).toEqual([1]);
    expect(document.querySelector('caption')!.textContent).toBe('Versions of “Clinics”, newest first; version 3 is current.');
  });

  it('restores after confirmation only, then reloads the list', async () => {
    let current = 2;
    const calls: string[] = [];
    const api: VersionsApi = {
      versions: async () => ({ current, versions: Array.from({ length: current }, (_, i) => meta(current - i)) }),
      restore: async (id, v) => {
        calls.push(`restore ${id} ${v}`);
        current++;
        return meta(current);
      },
      remove: async (id) => {
        calls.push(`delete ${id}`);
      },
    };
    const asked: ConfirmOptions[] = [];
    let answer = false;
    let changed = 0;
    const panel = createVersionsPanel(i18n, api, async (o) => {
      asked.push(o);
      return answer;
    }, { onChanged: () => { changed++; }, errorText: (e) => String(e) });
    document.body.replaceChildren(panel.element);
    panel.setLayers([meta(2)]);
    const select = document.querySelector<HTMLSelectElement>('#versions-layer')!;
    expect(select.labels?.[0]?.textContent).toBe('Layer');
    await panel.choose('clinics');
    expect(select.value).toBe('clinics');
    expect(document.querySelectorAll('.versions-table tbody tr')).toHaveLength(2);
    const links = [...document.querySelectorAll<HTMLAnchorElement>('.downloads a')];
    expect(links.map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['Download GeoJSON', '/api/v1/layers/clinics/download?format=geojson'],
      ['Download CSV', '/api/v1/layers/clinics/download?format=csv'],
      ['Download CSV with HXL hashtags', '/api/v1/layers/clinics/download?format=csv&hxl=1'],
      ['Download KML', '/api/v1/layers/clinics/download?format=kml'],
      ['Download GeoPackage', '/api/v1/layers/clinics/download?format=gpkg'],
    ]);

    // Cancelled: nothing happens.
    document.querySelector<HTMLButtonElement>('tr[data-version="1"] button')!.click();
    await settle();
    expect(asked).toHaveLength(1);
    expect(asked[0]!.message).toBe('Restore version 1 of “Clinics”? Its content is published as a new version; the versions in between are kept.');
    expect(calls).toEqual([]);

    // Confirmed: restored as version 3.
    answer = true;
    document.querySelector<HTMLButtonElement>('tr[data-version="1"] button')!.click();
    await settle();
    await settle();
    expect(calls).toEqual(['restore clinics 1']);
    expect(document.querySelector('#versions-message')!.textContent).toBe('Version 1 of “Clinics” was restored as version 3.');
    expect(changed).toBe(1);
    expect([...document.querySelectorAll<HTMLTableRowElement>('.versions-table tbody tr')].map((r) => r.dataset.version)).toEqual(['3', '2', '1']);

    // Delete, confirmed.
    const del = document.querySelector<HTMLButtonElement>('#versions-delete')!;
    expect(del.hidden).toBe(false);
    del.click();
    await settle();
    await settle();
    expect(asked.at(-1)!.danger).toBe(true);
    expect(calls.at(-1)).toBe('delete clinics');
    expect(document.querySelector('#versions-message')!.textContent).toBe('The layer “Clinics” was deleted.');
    expect(document.querySelector('.versions-table')).toBeNull();
    expect(document.querySelector<HTMLElement>('.downloads')!.hidden).toBe(true);
  });

  it('shows a failed load as text', async () => {
    const api: VersionsApi = {
      versions: async () => { throw new Error('<b>forbidden</b>'); },
      restore: async () => meta(1),
      remove: async () => {},
    };
    const panel = createVersionsPanel(i18n, api, async () => true, { onChanged: () => {}, errorText: (e) => (e as Error).message });
    document.body.replaceChildren(panel.element);
    panel.setLayers([meta(1)]);
    await panel.choose('clinics');
    expect(document.querySelector('#versions-message')!.textContent).toBe('The versions could not be loaded: <b>forbidden</b>');
    expect(document.querySelector('b')).toBeNull();
  });
});
