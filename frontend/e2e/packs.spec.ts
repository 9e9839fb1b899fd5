import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import initGdalJs from 'gdal3.js/node.js';
import { asRole, serverUrl, skipWithoutServer } from './helpers';

// GDAL reads what a pack holds: its PMTiles archive and its GeoPackage,
// with ogrinfo from gdal3.js (GDAL 3.8 built for WebAssembly; Debian 12's
// GDAL 3.6 has no PMTiles driver).

skipWithoutServer();

interface Manifest {
  layers: { id: string; table: string; features: number }[];
  vectors: Record<string, number>;
}

test('ogrinfo reads the PMTiles and the GeoPackage of a Central Mediterranean pack', async ({ request }) => {
  test.setTimeout(180_000);
  const r = await request.get(serverUrl('/api/v1/packs?bbox=10,30,20,38'), { headers: asRole('staff'), timeout: 120_000 });
  expect(r.status()).toBe(200);
  const files = unzipSync(new Uint8Array(await r.body()));
  const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json'])) as Manifest;
  const dir = mkdtempSync(join(tmpdir(), 'routerisk-pack-'));
  try {
    writeFileSync(join(dir, 'map.pmtiles'), files['map.pmtiles']!);
    writeFileSync(join(dir, 'layers.gpkg'), files['layers.gpkg']!);
    const gdal = await initGdalJs();

    const tiles = await gdal.open(join(dir, 'map.pmtiles'));
    const tileInfo = (await gdal.ogrinfo(tiles.datasets[0]!, ['-so'])) as { driverShortName: string; layers: { name: string; featureCount: number }[] };
    expect(tileInfo.driverShortName).toBe('PMTiles');
    const tileLayers = new Map(tileInfo.layers.map((l) => [l.name, l.featureCount]));
    for (const name of ['routes', 'services', 'incidents', 'hotspots', 'labels']) {
      expect(tileLayers.get(name) ?? 0, `PMTiles layer ${name}`).toBeGreaterThan(0);
    }

    const gpkg = await gdal.open(join(dir, 'layers.gpkg'));
    const info = (await gdal.ogrinfo(gpkg.datasets[0]!, ['-so'])) as { driverShortName: string; layers: { name: string; featureCount: number }[] };
    expect(info.driverShortName).toBe('GPKG');
    const tables = new Map(info.layers.map((l) => [l.name, l.featureCount]));
    for (const l of manifest.layers) {
      expect(tables.get(l.table), `GeoPackage table ${l.table}`).toBe(l.features);
    }
    expect(tables.get('labels')).toBe(manifest.vectors.labels);
    gdal.close(tiles.datasets[0]!);
    gdal.close(gpkg.datasets[0]!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
