/**
 * Display downsampling that keeps spikes: consecutive points are grouped into buckets and each
 * series keeps its minimum and its maximum of every bucket, in the order they occurred.
 *
 *   interval values   3 4 3 9 3 | 2 3 3 3 4 | …        (k = 5 per bucket)
 *   kept per bucket   (3, 9)    | (2, 4)    | …        2 points per bucket, for every series
 *
 * Every series shares the x of its chart, so each bucket has two x slots (its first x and its
 * middle x) and each series puts its min and max there, the earlier one first. A series' global
 * min and max survive, whatever the bucket size.
 */

/** A chart's data: one x array and any number of y series of the same length. */
export interface SeriesTable {
  x: number[];
  ys: (number | null)[][];
}

/**
 * Reduce `table` to at most `maxPoints` x values (≥ 2), keeping every series' min and max per
 * bucket. Tables already small enough are returned unchanged.
 */
export function downsampleMinMax(table: SeriesTable, maxPoints: number): SeriesTable {
  const n = table.x.length;
  if (n <= maxPoints) return table;
  const k = Math.ceil(n / Math.max(1, Math.floor(maxPoints / 2)));
  const x: number[] = [];
  const ys: (number | null)[][] = table.ys.map(() => []);
  for (let start = 0; start < n; start += k) {
    const end = Math.min(n, start + k);
    const len = end - start;
    x.push(table.x[start]!);
    if (len > 1) x.push(table.x[start + (len >> 1)]!);
    table.ys.forEach((y, s) => {
      const out = ys[s]!;
      let iMin = -1;
      let iMax = -1;
      for (let i = start; i < end; i++) {
        const v = y[i];
        if (v === null || v === undefined || Number.isNaN(v)) continue;
        if (iMin < 0 || v < y[iMin]!) iMin = i;
        if (iMax < 0 || v > y[iMax]!) iMax = i;
      }
      if (len === 1) {
        out.push(iMin < 0 ? null : y[iMin]!);
        return;
      }
      if (iMin < 0) {
        out.push(null, null);
        return;
      }
      const first = Math.min(iMin, iMax);
      const second = Math.max(iMin, iMax);
      out.push(y[first]!, y[second]!);
    });
  }
  return { x, ys };
}
