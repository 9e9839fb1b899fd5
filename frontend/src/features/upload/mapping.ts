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
export function createMappingTable(doc: Document, i18n: I18n, onChange: (mapping: Record<string, string>) => void): MappingTable {
  const { t } = i18n;
  const root = doc.createElement('section');
  root.className = 'mapping';
  root.setAttribute('aria-labelledby', 'mapping-heading');
  const h = doc.createElement('h3');
  h.id = 'mapping-heading';
  h.textContent = t('mapping.heading');
  const intro = doc.createElement('p');
  intro.className = 'section-note';
  intro.id = 'mapping-intro';
  intro.textContent = t('mapping.intro');
  const body = doc.createElement('div');
  root.append(h, intro, body);

  let selects = new Map<string, HTMLSelectElement>();
  let shown = '';

  const build = (fields: readonly string[], columns: readonly string[]) => {
    selects = new Map();
    if (fields.length === 0) {
      const p = doc.createElement('p');
      p.className = 'mapping-empty';
      p.textContent = t('mapping.noFields');
      body.replaceChildren(p);
      return;
    }
    const table = doc.createElement('table');
    table.className = 'data-table mapping-table';
    table.setAttribute('aria-describedby', intro.id);
    const caption = doc.createElement('caption');
    caption.className = 'visually-hidden';
    caption.textContent = t('mapping.heading');
    const thead = doc.createElement('thead');
    const hr = doc.createElement('tr');
    for (const text of [t('mapping.field'), t('mapping.column')]) {
      const th = doc.createElement('th');
      th.scope = 'col';
      th.textContent = text;
      hr.append(th);
    }
    thead.append(hr);
    const tbody = doc.createElement('tbody');
    fields.forEach((field, i) => {
      const tr = doc.createElement('tr');
      tr.dataset.field = field;
      const th = doc.createElement('th');
      th.scope = 'row';
      const label = doc.createElement('label');
      const id = `mapping-${i}`;
      label.htmlFor = id;
      const name = propertyLabel(i18n, field);
      label.textContent = name === field ? field : t('mapping.fieldName', { label: name, field });
      th.append(label);
      const td = doc.createElement('td');
      const select = doc.createElement('select');
      select.id = id;
      select.dataset.field = field;
      const none = doc.createElement('option');
      none.value = '';
      none.textContent = t('mapping.none');
      select.append(none);
      for (const c of columns) {
        const o = doc.createElement('option');
        o.value = c;
        o.textContent = c;
        select.append(o);
      }
      select.addEventListener('change', () => onChange(mappingOf(selects)));
      td.append(select);
      tr.append(th, td);
      tbody.append(tr);
      selects.set(field, select);
    });
    table.append(caption, thead, tbody);
    const wrap = doc.createElement('div');
    wrap.className = 'table-wrap';
    wrap.append(table);
    const nodes: HTMLElement[] = [wrap];
    if (columns.length === 0) {
      const p = doc.createElement('p');
      p.className = 'mapping-empty';
      p.textContent = t('mapping.noColumns');
      nodes.unshift(p);
    }
    body.replaceChildren(...nodes);
  };

  return {
    element: root,
    value: () => mappingOf(selects),
    update(fields, columns, mapping) {
      // Columns the server mapped that the file did not list (GeoJSON has no header) are offered too.
      const options = [...columns];
      for (const field of fields) {
        const c = mapping[field];
        if (c !== undefined && c !== '' && !options.includes(c)) options.push(c);
      }
      const key = JSON.stringify([fields, options]);
      if (key !== shown) {
        build(fields, options);
        shown = key;
      }
      for (const [field, select] of selects) {
        const column = mapping[field];
        select.value = column !== undefined && options.includes(column) ? column : '';
        select.closest('tr')?.classList.toggle('mapping-unset', select.value === '');
      }
    },
  };
}
