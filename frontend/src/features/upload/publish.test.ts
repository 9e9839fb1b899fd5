import { describe, expect, it } from 'vitest';
import { createI18n } from '../../shared/i18n';
import { readPublish, type PublishValues } from './publish';

const i18n = createI18n();
const base: PublishValues = {
  mode: 'new', id: 'clinics-2026', title: 'Clinics', sensitivity: 'public', source: 'Partner survey', license: 'CC BY 4.0',
  description: '', attribution: '', target: '', onError: 'reject', coverageCountries: '', coverageArea: '',
};

describe('publish form values', () => {
  it('makes a new-layer request from complete values', () => {
    expect(readPublish(i18n, { ...base, description: ' About ', onError: 'skip', sensitivity: 'restricted' })).toEqual({
      request: {
        mode: 'new', onError: 'skip', coverage: {},
        layer: { id: 'clinics-2026', title: 'Clinics', sensitivity: 'restricted', source: 'Partner survey', license: 'CC BY 4.0', description: 'About' },
      },
    });
  });

  it('names every missing or malformed field', () => {
    const r = readPublish(i18n, { ...base, id: 'Clinics 2026!', title: ' ', license: '' });
    expect('errors' in r && r.errors).toEqual([
      { field: 'id', message: 'The layer id may hold only lower-case letters, digits and hyphens, and must start with a letter or a digit.' },
      { field: 'title', message: 'Title is required.' },
      { field: 'license', message: 'Licence is required.' },
    ]);
    expect(readPublish(i18n, { ...base, id: '-x' })).toHaveProperty('errors');
    expect(readPublish(i18n, { ...base, id: '' })).toHaveProperty('errors');
  });

  it('needs only the layer to replace for a new version', () => {
    expect(readPublish(i18n, { ...base, mode: 'replace', id: '', title: '', target: 'clinics' })).toEqual({
      request: { mode: 'replace', id: 'clinics', onError: 'reject', coverage: {} },
    });
    const r = readPublish(i18n, { ...base, mode: 'replace' });
    expect('errors' in r && r.errors.map((e) => e.field)).toEqual(['target']);
  });

  it('passes a declared coverage on, and checks that the area is JSON', () => {
    const area = '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}';
    expect(readPublish(i18n, { ...base, mode: 'replace', target: 'clinics', coverageCountries: ' IT, MT ', coverageArea: area })).toEqual({
      request: { mode: 'replace', id: 'clinics', onError: 'reject', coverage: { countries: 'IT, MT', area } },
    });
    const r = readPublish(i18n, { ...base, coverageArea: 'POLYGON((0 0, 1 0, 1 1, 0 0))' });
    expect('errors' in r && r.errors.map((e) => e.field)).toEqual(['coverageArea']);
  });
});
