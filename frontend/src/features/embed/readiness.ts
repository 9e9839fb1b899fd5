import type { PrivacyTier } from '../../shared/api';

/** What an embedded map exposes for tests and monitoring (`window.__routerisk_embed`). */
export interface EmbedReadiness {
  /** True once the first full render is done (basemap and every layer shown drawn). */
  ready: boolean;
  /** Features drawn per layer id shown (`risk` and `hotspots` included). */
  counts: Record<string, number>;
  /**
   * The privacy tier restricted layers were answered at (X-Privacy-Tier of
   * their answers); before one, the token's tier, or public without a token.
   */
  tier: PrivacyTier | null;
  /** The message of the full-frame error, when the map cannot be shown. */
  error: string | null;
}

declare global {
  interface Window {
    __routerisk_embed?: EmbedReadiness;
  }
}
