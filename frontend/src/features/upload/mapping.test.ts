import { describe, expect, it } from 'vitest';
import { createI18n } from '../../shared/i18n';
import { createMappingTable } from './mapping';

const i18n = createI18n();

describe('mapping table', () => {
  const columns = ['Main ID', 'Incident Date', 'Number Dead', '<img src=x onerror=alert(1)>'];

  it('shows one labelled select per field, preset from the mapping', () => {
    const table = createMappingTable(i18n, () => {});
    document.body.replaceChildren(table.element);
    table.update(['date', 'dead', 'missing'], columns, { date: 'Incident Date', dead: 'Number Dead', missing: 'not a column' });
    const selects = [...document.querySelectorAll<HTMLSelectElement>('.mapping-table select')];
    expect(selects.map((s) => s.dataset.field)).toEqual(['date', 'dead', 'missing']);
    expect(selects.map((s) => s.labels?.[0]?.textContent)).toEqual(['Date (date)', 'Dead (dead)', 'Missing (missing)']);
    // A mapped column the file did not list is offered too.
    expect(selects.map((s) => s.value)).toEqual(['Incident Date', 'Number Dead', 'not a column']);
    expect([...selects[0]!.options].map((o) => o.textContent)).toEqual(['(not used)', ...columns, 'not a column']);
    expect(document.querySelector('img')).toBeNull();
    expect(table.value()).toEqual({ date: 'Incident Date', dead: 'Number Dead', missing: 'not a column' });
  });

  it('reports the whole mapping when a column is changed, and keeps the selects on the next check', () => {
    const changes: Record<string, string>[] = [];
    const table = createMappingTable(i18n, (m) => changes.push(m));
    document.body.replaceChildren(table.element);
    table.update(['date', 'dead'], columns, { date: 'Incident Date' });
    const dead = document.querySelector<HTMLSelectElement>('select[data-field="dead"]')!;
    expect(dead.value).toBe('');
    expect(dead.closest('tr')!.classList.contains('mapping-unset')).toBe(true);
    dead.focus();
    dead.value = 'Number Dead';
    dead.dispatchEvent(new Event('change'));
    expect(changes).toEqual([{ date: 'Incident Date', dead: 'Number Dead' }]);

    // The check comes back with the same fields and columns: same elements, focus kept.
    table.update(['date', 'dead'], columns, { date: 'Incident Date', dead: 'Number Dead' });
    expect(document.querySelector('select[data-field="dead"]')).toBe(dead);
    expect(document.activeElement).toBe(dead);
    expect(dead.closest('tr')!.classList.contains('mapping-unset')).toBe(false);

    // A field set to "not used" maps to "" (the server then leaves it empty).
    dead.value = '';
    dead.dispatchEvent(new Event('change'));
    expect(changes.at(-1)).toEqual({ date: 'Incident Date', dead: '' });

    // Other fields (another kind): the table is rebuilt.
    table.update(['name', 'category'], ['name', 'category', 'lat', 'lon'], { name: 'name' });
    expect([...document.querySelectorAll<HTMLSelectElement>('.mapping-table select')].map((s) => s.dataset.field)).toEqual(['name', 'category']);
    expect(table.value()).toEqual({ name: 'name', category: '' });
  });

  it('says when the kind has no fields', () => {
    const table = createMappingTable(i18n, () => {});
    table.update([], columns, {});
    expect(table.element.textContent).toContain('No fields to map');
    expect(table.value()).toEqual({});
  });
});
