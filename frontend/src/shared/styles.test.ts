import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : files(p, ext);
    return ext.test(name) ? [p] : [];
  });
}

/** Physical (left/right) CSS that breaks a right-to-left layout. */
const PHYSICAL = [
  /(?:^|[\s;{])(?:margin|padding|border)-(?:left|right)(?:-[a-z]+)?\s*:/m,
  /(?:^|[\s;{])(?:left|right)\s*:/m,
  /(?:^|[\s;{])text-align\s*:\s*(?:left|right)\b/m,
  /(?:^|[\s;{])float\s*:\s*(?:left|right)\b/m,
  /(?:^|[\s;{])clear\s*:\s*(?:left|right)\b/m,
  /(?:^|[\s;{])border-(?:top|bottom)-(?:left|right)-radius\s*:/m,
];

/** The same, set from TypeScript through element.style. */
const PHYSICAL_TS = /\.style\.(?:(?:margin|padding|border)(?:Left|Right)\w*|left|right|cssFloat)\b|textAlign\s*=\s*['"](?:left|right)/;

function stripComments(css: string): string {
  return css.replace(/\/\*[\s\S]*?\*\//g, '');
}

describe('right-to-left readiness', () => {
  const cssFiles = [...files(join(ROOT, 'src'), /\.css$/), join(ROOT, 'index.html'), join(ROOT, 'upload.html'), join(ROOT, 'embed.html'), join(ROOT, 'offline.html')];

  it('finds the stylesheets', () => {
    expect(cssFiles.some((f) => f.endsWith('styles.css'))).toBe(true);
    expect(cssFiles.some((f) => f.endsWith('upload.css'))).toBe(true);
    expect(cssFiles.some((f) => f.endsWith('embed.css'))).toBe(true);
    expect(cssFiles.some((f) => f.endsWith('offline.css'))).toBe(true);
  });

  it.each(cssFiles.map((f) => [relative(ROOT, f), f]))('%s uses logical properties only', (_, file) => {
    const css = stripComments(readFileSync(file, 'utf8'));
    const offending = css
      .split('\n')
      .map((line, i) => ({ line: line.trim(), n: i + 1 }))
      .filter(({ line }) => PHYSICAL.some((re) => re.test(` ${line}`)));
    expect(offending).toEqual([]);
  });

  it('sets no physical style properties from TypeScript', () => {
    const offending = files(join(ROOT, 'src'), /\.ts$/)
      .filter((f) => !f.endsWith('.test.ts'))
      .filter((f) => PHYSICAL_TS.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(offending).toEqual([]);
  });

  it('catches physical properties (the check itself works)', () => {
    for (const bad of ['margin-left: 1px', 'padding-right:0', 'left: 0', 'text-align: right', 'float: left', 'border-right: 1px solid']) {
      expect(PHYSICAL.some((re) => re.test(` ${bad}`)), bad).toBe(true);
    }
    for (const good of ['margin-inline-start: 1px', 'inset-inline-start: 0', 'text-align: start', 'border-inline-end: 0', 'align-items: left-ish']) {
      expect(PHYSICAL.some((re) => re.test(` ${good}`)), good).toBe(false);
    }
  });
});
