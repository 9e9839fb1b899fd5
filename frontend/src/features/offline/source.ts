import type { RangeResponse, Source } from 'pmtiles';

let opened = 0;

/**
 * A PMTiles Source over an archive held in memory (the map.pmtiles of a
 * pack read from disk): byte ranges are slices of the buffer, so reading
 * tiles never touches the network.
 */
export class BufferSource implements Source {
  private readonly bytes: Uint8Array;
  private readonly key: string;

  /** `name` is for messages; each source gets its own key, so two packs of the same name never share cached directories. */
  constructor(data: ArrayBuffer | Uint8Array, name = 'map.pmtiles') {
    this.bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    this.key = `pack-${++opened}:${name}`;
  }

  /** The archive's size in bytes. */
  get size(): number {
    return this.bytes.byteLength;
  }

  /** A key unique to this archive. */
  getKey(): string {
    return this.key;
  }

  /**
   * Bytes [offset, offset + length) of the archive, cut short at its end
   * (PMTiles asks for the first 16 KiB whatever the archive's size). A range
   * that starts past the end, or is not a whole non-negative number, is a
   * corrupt directory: it rejects with a RangeError saying so.
   */
  getBytes(offset: number, length: number): Promise<RangeResponse> {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
      return Promise.reject(new RangeError(`map.pmtiles: asked for ${length} bytes at ${offset}, which is not a byte range`));
    }
    if (offset > this.bytes.byteLength || (offset === this.bytes.byteLength && length > 0)) {
      return Promise.reject(new RangeError(`map.pmtiles: asked for bytes from ${offset}, past the end of the archive (${this.bytes.byteLength} bytes)`));
    }
    const end = Math.min(this.bytes.byteLength, offset + length);
    // slice copies into a buffer of its own: callers may keep or transfer it.
    return Promise.resolve({ data: this.bytes.slice(offset, end).buffer });
  }
}
