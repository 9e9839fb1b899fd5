import { expect, type APIRequestContext } from '@playwright/test';
import { asRole, serverUrl } from './helpers';

/** A place where several incidents share one position, with no other incident near it. */
export interface Stack {
  lat: number;
  lon: number;
  count: number;
}

/** Degrees around a stack with no other incident: about 40 px at zoom 9, beyond any marker's reach. */
const CLEAR = 0.12;

/**
 * Finds, among the incidents staff see, a position shared by two to five
 * incidents and clear of every other incident: one click there picks
 * exactly those. The smallest such stack west of 60° E, so the same one is
 * found on every run.
 */
export async function findStack(request: APIRequestContext): Promise<Stack> {
  const res = await request.get(serverUrl('/api/v1/layers/incidents/features?limit=50000'), { headers: asRole('staff') });
  expect(res.status()).toBe(200);
  const body = await res.json() as { features: { geometry: { type: string; coordinates: number[] } | null }[] };
  const points = body.features
    .filter((f) => f.geometry?.type === 'Point')
    .map((f) => f.geometry!.coordinates as [number, number]);
  const groups = new Map<string, { lon: number; lat: number; count: number }>();
  for (const [lon, lat] of points) {
    const key = `${lon},${lat}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { lon, lat, count: 1 });
  }
  const candidates = [...groups.values()]
    .filter((g) => g.count >= 2 && g.count <= 5 && g.lon < 60 && Math.abs(g.lat) < 60)
    .sort((a, b) => a.count - b.count || a.lon - b.lon || a.lat - b.lat);
  for (const g of candidates) {
    const near = points.filter(([lon, lat]) => Math.abs(lon - g.lon) < CLEAR && Math.abs(lat - g.lat) < CLEAR).length;
    if (near === g.count) return { lat: g.lat, lon: g.lon, count: g.count };
  }
  throw new Error('no isolated stack of incidents in the bundled layer');
}
