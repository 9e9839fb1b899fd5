import { el, options } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';
import { propertyLabel } from '../layers/popup';

/** The mapping table: one row per normalised field, with a select of the file's columns. */
export interface MappingTable {
  element: HTMLElement;
  /** The mapping chosen now: field → column, "" for a field left without a column. */
  value(): Record<string, string>;
  /**
   * Shows the mapping of a new check. When the fields and columns are those
   * already shown, only the choices change, so the focus stays where it is.
   */
  update(fields: readonly string[], columns: readonly string[], mapping: Readonly<Record<string, string>>): void;
}

/**
 * The mapping the selects of a table hold: field → column. A field left
 * without a column maps to "", which tells the server not to fill it (rather
 * than to detect its column again).
 */
export function mappingOf(selects: ReadonlyMap<string, HTMLSelectElement>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, select] of selects) out[field] = select.value;
  return out;
}

/**
 * Builds the mapping table. `onChange` gets the whole mapping after the user
 * picks another column for a field (the page then checks the file again with
 * it). Field and column names come from the file and the server: text only.
 */
export function createMappingTable(i18n: I18n, onChange: (mapping: Record<string, string>) => void): MappingTable {
  const { t } = i18n;
  const body = el('div');
  const root = el('section', { class: 'mapping', 'aria-labelledby': 'mapping-heading' }, [
    el('h3', { id: 'mapping-heading' }, t('mapping.heading')),
    el('p', { class: 'section-note', id: 'mapping-intro' }, t('mapping.intro')),
    body,
  ]);

  let selects = new Map<string, HTMLSelectElement>();
  let shown = '';
  const build = (fields: readonly string[], columns: readonly string[]) => {
    selects = new Map();
    if (fields.length === 0) {
      body.replaceChildren(el('p', { class: 'mapping-empty' }, t('mapping.noFields')));
      return;
    }
    const rows = fields.map((field, i) => {
      const id = `mapping-${i}`;
      const name = propertyLabel(i18n, field);
      const select = el('select', { id, 'data-field': field, onchange: () => onChange(mappingOf(selects)) }, options([
        { value: '', label: t('mapping.none') }, ...columns.map((c) => ({ value: c, label: c })),
      ]));
      selects.set(field, select);
      return el('tr', { 'data-field': field }, [
        el('th', { scope: 'row' }, el('label', { for: id }, name === field ? field : t('mapping.fieldName', { label: name, field }))),
        el('td', null, select),
      ]);
    });
    body.replaceChildren(
      columns.length === 0 ? el('p', { class: 'mapping-empty' }, t('mapping.noColumns')) : '',
      el('div', { class: 'table-wrap' }, el('table', { class: 'data-table mapping-table', 'aria-describedby': 'mapping-intro' }, [
        el('caption', { class: 'visually-hidden' }, t('mapping.heading')),
        el('thead', null, el('tr', null, [t('mapping.field'), t('mapping.column')].map((text) => el('th', { scope: 'col' }, text)))),
        el('tbody', null, rows),
      ])),
    );
  };

  return {
    element: root,
    value: () => mappingOf(selects),
    update(fields, columns, mapping) {
      // Columns the server mapped that the file did not list (GeoJSON has no header) are offered too.
      const offered = [...columns];
      for (const field of fields) {
        const c = mapping[field];
        if (c !== undefined && c !== '' && !offered.includes(c)) offered.push(c);
      }
      const key = JSON.stringify([fields, offered]);
      if (key !== shown) {
        build(fields, offered);
        shown = key;
      }
      for (const [field, select] of selects) {
        const column = mapping[field];
        select.value = column !== undefined && offered.includes(column) ? column : '';
        select.closest('tr')?.classList.toggle('mapping-unset', select.value === '');
      }
    },
  };
}
