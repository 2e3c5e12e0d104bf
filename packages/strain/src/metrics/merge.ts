import { ErrorCodes, StrainError } from "../errors.js";
import { Histogram } from "./histogram.js";
import { tagSetKey } from "./tag-set.js";
import type { IntervalSnapshot, SnapshotEntry, TrendEntry } from "./types.js";

interface TrendAcc {
  entry: TrendEntry;
  /** Every worker's histogram for this key; a lone one passes through without decoding. */
  hists: string[];
}

/** Reused for every key with several histograms (merging is synchronous): no allocation per key. */
const scratch = new Histogram();

/**
 * Merge one interval's snapshots from several workers into one, exactly: counters add, trends
 * add histograms (and count/sum, min of mins, max of maxes), rates add passes and totals, gauges
 * add value, min and max (each worker owns a share of the thing measured: its VUs, its sockets).
 * Entries are keyed by metric + canonical tag key; order is first appearance.
 *
 * Throws STRAIN_ERR_INTERNAL when given nothing, snapshots of different intervals, or one metric
 * with two types.
 */
export function mergeSnapshots(snapshots: readonly IntervalSnapshot[]): IntervalSnapshot {
  const first = snapshots[0];
  if (first === undefined) throw new StrainError(ErrorCodes.INTERNAL, "mergeSnapshots: no snapshots");
  if (snapshots.length === 1) return first;
  let start = first.start;
  let end = first.end;
  const byMetric = new Map<string, Map<string, SnapshotEntry | TrendAcc>>();
  const order: (SnapshotEntry | TrendAcc)[] = [];
  for (const snap of snapshots) {
    if (snap.index !== first.index) {
      throw new StrainError(
        ErrorCodes.INTERNAL,
        `mergeSnapshots: interval ${snap.index} merged with interval ${first.index}`,
      );
    }
    if (snap.start < start) start = snap.start;
    if (snap.end > end) end = snap.end;
    for (const e of snap.entries) {
      let byKey = byMetric.get(e.metric);
      if (byKey === undefined) {
        byKey = new Map();
        byMetric.set(e.metric, byKey);
      }
      const key = tagSetKey(e.tags);
      const acc = byKey.get(key);
      if (acc === undefined) {
        // Copy: the merged entry is mutated below and inputs stay untouched.
        const fresh = e.type === "trend" ? { entry: { ...e }, hists: [e.hist] } : { ...e };
        byKey.set(key, fresh);
        order.push(fresh);
      } else {
        addInto(acc, e);
      }
    }
  }
  const entries: SnapshotEntry[] = order.map((acc) => {
    if ("entry" in acc) {
      if (acc.hists.length > 1) {
        scratch.reset();
        for (const h of acc.hists) scratch.addEncoded(h);
        acc.entry.hist = scratch.encode();
      }
      return acc.entry;
    }
    return acc;
  });
  return { v: 1, index: first.index, start, end, entries };
}

function addInto(acc: SnapshotEntry | TrendAcc, e: SnapshotEntry): void {
  if ("entry" in acc) {
    if (e.type !== "trend") throw typeClash(e, "trend");
    const t = acc.entry;
    acc.hists.push(e.hist);
    t.count += e.count;
    t.sum += e.sum;
    if (e.min < t.min) t.min = e.min;
    if (e.max > t.max) t.max = e.max;
    return;
  }
  if (acc.type !== e.type) throw typeClash(e, acc.type);
  switch (acc.type) {
    case "counter":
      acc.value += (e as typeof acc).value;
      return;
    case "rate":
      acc.passes += (e as typeof acc).passes;
      acc.total += (e as typeof acc).total;
      return;
    case "gauge": {
      const g = e as typeof acc;
      acc.value += g.value;
      acc.min += g.min;
      acc.max += g.max;
      return;
    }
    case "trend":
      return; // trends are held as TrendAcc, handled above
  }
}

function typeClash(e: SnapshotEntry, expected: string): StrainError {
  return new StrainError(
    ErrorCodes.INTERNAL,
    `metric '${e.metric}' is a ${expected} in one snapshot and a ${e.type} in another`,
  );
}
