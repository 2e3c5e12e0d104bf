/**
 * A table's COPY text for one chunk, written line by line into one growing Buffer. Each line is
 * encoded as it arrives and can be collected young; holding a chunk's lines as strings until the
 * end and joining them spent ~20% of a loader's CPU in the garbage collector and ~25% in join and
 * Buffer.from (farmer-registry, 1,000 households per chunk, --cpu-prof).
 */
export class LineBuffer {
  private buf: Buffer = Buffer.allocUnsafe(0);
  private pos = 0;
  /**
   * Bytes of the last chunk taken: the next one starts with room for it (+1/8), so it does not
   * grow 1 → 2 → 4 MB copying as it goes (buffer copies were 1.4% of generation CPU).
   */
  private lastBytes = 0;
  /** A taken buffer handed back with `reuse()`, for the next chunk to write into. */
  private spare: Buffer | null = null;
  /** The memory this buffer allocated (never from Node's shared pool): all `reuse()` accepts. */
  private readonly own = new WeakSet<ArrayBufferLike>();
  /** Lines written since the last `take()`. */
  lines = 0;

  constructor(private readonly initialBytes = 1 << 20) {}

  /** Append `line` and a newline. */
  push(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit: room for that, no byteLength scan.
    const need = this.pos + line.length * 3 + 1;
    if (need > this.buf.length) {
      let grown: Buffer;
      // A spare held the last chunk: the first one a little bigger doubles it, and then it fits.
      if (this.pos === 0 && this.spare !== null && this.spare.length >= need) grown = this.spare;
      else {
        grown = Buffer.allocUnsafeSlow(
          Math.max(need, this.buf.length * 2, this.initialBytes, this.lastBytes + (this.lastBytes >>> 3)),
        );
        this.own.add(grown.buffer);
      }
      this.spare = null;
      this.buf.copy(grown, 0, 0, this.pos);
      this.buf = grown;
    }
    this.pos += this.buf.write(line, this.pos, "utf8");
    this.buf[this.pos++] = 10;
    this.lines++;
  }

  /**
   * Give back a buffer `take()` returned, once nothing reads it any more (its COPY committed): the
   * next chunk writes into it instead of a fresh allocation. A fresh multi-megabyte buffer per
   * chunk cost its page faults on first write: writing farmer-registry lines took 210–495 ns a line
   * into fresh buffers against 142–167 ns into a reused one.
   */
  reuse(taken: Uint8Array): void {
    if (!this.own.has(taken.buffer)) return;
    if (this.pos === 0 && (this.spare === null || taken.buffer.byteLength > this.spare.length))
      this.spare = Buffer.from(taken.buffer, 0, taken.buffer.byteLength);
  }

  /**
   * The bytes written so far, and start over in a new buffer: the socket may still hold the old
   * one after the COPY that sent it has finished.
   */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.lastBytes = this.pos;
    this.buf = Buffer.allocUnsafe(0); // the next push allocates, or takes the spare
    this.pos = 0;
    this.lines = 0;
    return out;
  }
}
