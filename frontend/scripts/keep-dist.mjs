// Recreates dist/.gitkeep after `vite build` empties dist/, so the committed
// placeholder that lets `//go:embed all:dist` compile on a fresh clone survives.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
mkdirSync(dist, { recursive: true });
writeFileSync(join(dist, '.gitkeep'), '');
