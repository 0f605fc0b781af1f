/**
 * Marks over positions 0..n that all clear at once: a position is marked when it holds the current generation's
 * number, so clearing is one increment (and a fill only when the counter wraps). The rule index and the item scan
 * mark rules and keys per item this way instead of allocating a set per item.
 */
export class GenerationStamps {
  private stamps = new Uint32Array(16);
  private generation = 1;

  /** Clears every mark, with room for `size` positions. */
  clear(size: number): void {
    if (this.stamps.length < size) {
      this.stamps = new Uint32Array(size * 2);
      this.generation = 1;
      return;
    }
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      this.stamps.fill(0);
      this.generation = 1;
    }
  }

  has(position: number): boolean {
    return this.stamps[position] === this.generation;
  }

  /** Marks `position`; false when it was marked already. */
  mark(position: number): boolean {
    if (this.stamps[position] === this.generation) return false;
    this.stamps[position] = this.generation;
    return true;
  }
}
