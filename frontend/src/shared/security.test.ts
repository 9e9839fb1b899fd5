import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return /\.(ts|html)$/.test(name) && !/\.test\.ts$/.test(name) ? [p] : [];
  });
}

/** Sinks that parse a string as markup or code. */
const SINKS = /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write(?:ln)?|createContextualFragment|srcdoc|eval|new Function)\b/;

describe('no markup from strings', () => {
  const sources = [...files(join(ROOT, 'src')), join(ROOT, 'index.html'), join(ROOT, 'upload.html'), join(ROOT, 'embed.html')];

  it.each(sources.map((f) => [relative(ROOT, f), f]))('%s uses no HTML or code sink', (_, file) => {
    const hits = readFileSync(file, 'utf8')
      .split('\n')
      .map((line, i) => `${i + 1}: ${line.trim()}`)
      .filter((line) => SINKS.test(line));
    expect(hits).toEqual([]);
  });

  it('passes only element popups to Leaflet (no bindPopup/setContent with a string)', () => {
    for (const file of sources) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:bindPopup|setContent|bindTooltip)\(\s*([^)]*)/g)) {
        expect(m[1], `${relative(ROOT, file)}: ${m[0]}`).not.toMatch(/^['"`]/);
      }
    }
  });

  it('keeps nothing in Web Storage or script-readable cookies but the language choice (the session is an HttpOnly cookie)', () => {
    // The one exception: shared/i18n/index.ts hands out localStorage for the
    // language code (languageStorage), and nothing else reads or writes it.
    const languageModule = join('src', 'shared', 'i18n', 'index.ts');
    for (const file of sources) {
      const hits = readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => `${i + 1}: ${line.trim()}`)
        .filter((line) => /\b(localStorage|sessionStorage|indexedDB|document\.cookie)\b/.test(line));
      if (relative(ROOT, file) === languageModule) {
        expect(hits.map((h) => h.replace(/^\d+: /, '')), languageModule).toEqual(['return win.localStorage;']);
      } else {
        expect(hits, relative(ROOT, file)).toEqual([]);
      }
    }
    for (const file of sources) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\.setItem\(([^,]+),/g)) expect(m[1]!.trim(), relative(ROOT, file)).toBe('LANGUAGE_STORAGE_KEY');
    }
  });
});
