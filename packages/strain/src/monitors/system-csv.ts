import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";

/**
 * `monitors/system.csv`: the system monitor's readings in dstat's CSV shape, for people whose
 * scripts and spreadsheets read `dstat --output` (seed 001 ran dstat beside JMeter). Like dstat,
 * a group row then a column row, then one row per interval:
 *
 *   "system",,"total cpu usage",,,,,"dsk/total",,"net/total",,"load avg",,,"memory usage",,"process cpu %"
 *   "time","epoch","usr","sys","idl","wai","stl","read","writ","recv","send","1m","5m","15m","used","avai","postgres"
 *   "2025-06-01T10:00:01.000Z",1748772001.000,12.5,3.1,84.1,0.3,0.0,0,40960,1834,2210,0.52,0.31,0.20,1203453952,23062523904,4.0
 *
 * Units are dstat's: CPU in percent, disk and network in bytes per second (disks: whole devices;
 * network: every interface, `lo` included, since load sent to 127.0.0.1 goes through it), memory in
 * bytes. Differences: ISO time, and the per-process CPU columns of the watched processes.
 */
export interface SystemCsvRow {
  /** End of the interval, epoch ms. */
  time: number;
  cpu: { usr: number; sys: number; idl: number; wai: number; stl: number };
  disk: { read: number; writ: number };
  net: { recv: number; send: number };
  load: { load1: number; load5: number; load15: number };
  mem: { used: number; avai: number };
  /** CPU % (of one core) of each watched process, in the column order given to the writer. */
  processes: number[];
}

/** The two header rows for the given watched-process names. */
export function systemCsvHeader(processNames: readonly string[]): string {
  const groups = [
    '"system"',
    "",
    '"total cpu usage"',
    "",
    "",
    "",
    "",
    '"dsk/total"',
    "",
    '"net/total"',
    "",
    '"load avg"',
    "",
    "",
    '"memory usage"',
    "",
    ...processNames.map((_, i) => (i === 0 ? '"process cpu %"' : "")),
  ];
  const cols = [
    "time",
    "epoch",
    "usr",
    "sys",
    "idl",
    "wai",
    "stl",
    "read",
    "writ",
    "recv",
    "send",
    "1m",
    "5m",
    "15m",
    "used",
    "avai",
    ...processNames,
  ].map(quote);
  return `${groups.join(",")}\n${cols.join(",")}\n`;
}

/** One data row. Missing readings (NaN) are empty cells, as dstat leaves them. */
export function systemCsvLine(row: SystemCsvRow): string {
  const cells = [
    quote(new Date(row.time).toISOString()),
    (row.time / 1000).toFixed(3),
    fixed(row.cpu.usr, 1),
    fixed(row.cpu.sys, 1),
    fixed(row.cpu.idl, 1),
    fixed(row.cpu.wai, 1),
    fixed(row.cpu.stl, 1),
    fixed(row.disk.read, 0),
    fixed(row.disk.writ, 0),
    fixed(row.net.recv, 0),
    fixed(row.net.send, 0),
    fixed(row.load.load1, 2),
    fixed(row.load.load5, 2),
    fixed(row.load.load15, 2),
    fixed(row.mem.used, 0),
    fixed(row.mem.avai, 0),
    ...row.processes.map((p) => fixed(p, 1)),
  ];
  return `${cells.join(",")}\n`;
}

function fixed(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : "";
}

function quote(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

/**
 * Appends rows as they come, so a killed run keeps what it measured. Not fsync'd per row: the
 * CSV is a convenience copy; `series.ndjson` is the record.
 */
export class SystemCsvAppender {
  private fd: number | null;

  constructor(
    readonly path: string,
    processNames: readonly string[],
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, "w");
    writeSync(this.fd, systemCsvHeader(processNames));
  }

  append(row: SystemCsvRow): void {
    if (this.fd !== null) writeSync(this.fd, systemCsvLine(row));
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}

/** Write a whole CSV at once (e.g. rebuilt from readings kept elsewhere). */
export function writeSystemCsv(
  path: string,
  processNames: readonly string[],
  rows: Iterable<SystemCsvRow>,
): void {
  const out = new SystemCsvAppender(path, processNames);
  try {
    for (const r of rows) out.append(r);
  } finally {
    out.close();
  }
}
