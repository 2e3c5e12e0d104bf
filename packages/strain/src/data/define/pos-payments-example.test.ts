import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetDefinition } from "../dataset.js";
import { prepareDatasetSource, resolveDataset } from "../source.js";

/**
 * The documented example (plans/datasets/pos-payments.ts), loaded the way `strain data` loads a
 * dataset file — bundled with esbuild, imported, checked — and its rows checked for consistency
 * without a database (the loader's tests run it against PostgreSQL).
 */
const FILE = fileURLToPath(new URL("../../../../../plans/datasets/pos-payments.ts", import.meta.url));
const SQL = fileURLToPath(new URL("../../../../../plans/datasets/pos-payments.sql", import.meta.url));
const DOC = fileURLToPath(new URL("../../../../../docs/data.md", import.meta.url));
const MERCHANTS = 200;

type Row = Record<string, string>;
let dir: string;
let ds: DatasetDefinition;
let t: Record<string, Row[]>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "strain-pos-"));
  ds = await resolveDataset(await prepareDatasetSource(FILE, {}, dir));
  const lines: string[][] = ds.tables.map(() => []);
  // Chunks of the dataset's own size, as the loader cuts them.
  const k = ds.chunkRoots!;
  for (let first = 0; first < MERCHANTS; first += k)
    ds.generate(first, Math.min(k, MERCHANTS - first), 2026, {
      wants: () => true,
      row: (i, l) => lines[i]!.push(l),
    });
  t = Object.fromEntries(
    ds.tables.map((table, i) => [
      table.name,
      lines[i]!.map((l) => Object.fromEntries(l.split("\t").map((v, c) => [table.columns[c]!, v]))),
    ]),
  );
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const index = (rows: Row[]) => new Map(rows.map((r) => [r.id!, r]));

/** Row-level checks collect their failures, so one expect reports them (an expect per row is slow). */
class Failures {
  readonly list: string[] = [];
  check(ok: boolean, what: string, row: unknown): void {
    if (!ok && this.list.length < 10) this.list.push(`${what}: ${JSON.stringify(row)}`);
  }
}
const seconds = (ts: string) => Date.parse(ts) / 1000;

describe("plans/datasets/pos-payments.ts", () => {
  it("bundles and defines seven tables, parents first, matching the SQL file's columns", () => {
    expect(ds.name).toBe("pos-payments");
    expect(ds.tables.map((x) => x.name)).toEqual([
      "merchants",
      "stores",
      "devices",
      "bills",
      "orders",
      "order_items",
      "payments",
    ]);
    const sql = readFileSync(SQL, "utf8");
    for (const table of ds.tables) {
      const body = new RegExp(`CREATE TABLE ${table.name} \\(([^;]*)\\);`).exec(sql)?.[1];
      expect(body, table.name).toBeDefined();
      const columns = body!
        .split("\n")
        .map((l) => /^\s+([a-z_]+)\s/.exec(l)?.[1])
        .filter((c): c is string => c !== undefined && c !== "UNIQUE");
      expect(new Set(columns), table.name).toEqual(new Set(table.columns));
    }
    expect(ds.afterLoad?.(["merchants", "orders"])).toEqual([
      "SELECT setval(pg_get_serial_sequence('merchants', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM merchants), false)",
    ]);
  });

  it("is shown in full in docs/data.md", () => {
    const doc = readFileSync(DOC, "utf8");
    expect(doc).toContain(`\`\`\`sql\n${readFileSync(SQL, "utf8")}\`\`\``);
    expect(doc).toContain(`\`\`\`ts\n${readFileSync(FILE, "utf8")}\`\`\``);
  });

  it("makes about the expected rows per merchant", () => {
    for (const table of ds.tables) {
      const perRoot = t[table.name]!.length / MERCHANTS;
      expect(Math.abs(perRoot / table.rowsPerRoot - 1), table.name).toBeLessThan(0.1);
    }
    const total = ds.tables.reduce((a, x) => a + x.rowsPerRoot, 0);
    expect(total).toBeGreaterThan(500);
    expect(total).toBeLessThan(650);
  });

  it("keeps every foreign key and copied value equal to its parent's", () => {
    const f = new Failures();
    const merchants = index(t.merchants!);
    const stores = index(t.stores!);
    const devices = index(t.devices!);
    const bills = index(t.bills!);
    const orders = index(t.orders!);
    for (const s of t.stores!) f.check(merchants.has(s.merchant_id!), "store → merchant", s);
    for (const d of t.devices!)
      f.check(stores.get(d.store_id!)?.merchant_id === d.merchant_id, "device → store", d);
    for (const b of t.bills!) {
      const d = devices.get(b.device_id!);
      f.check(d?.merchant_id === b.merchant_id && d?.store_id === b.store_id, "bill → device", b);
    }
    for (const o of t.orders!) {
      const b = bills.get(o.bill_id!);
      f.check(b?.merchant_id === o.merchant_id && b?.device_id === o.device_id, "order → bill", o);
    }
    for (const i of t.order_items!) f.check(orders.has(i.order_id!), "item → order", i);
    for (const p of t.payments!) {
      const o = orders.get(p.order_id!);
      f.check(
        o?.merchant_id === p.merchant_id && o?.total === p.amount && p.currency === "JPY",
        "payment → order",
        p,
      );
    }
    expect(f.list).toEqual([]);
  });

  it("totals and counts agree with the rows below them", () => {
    const f = new Failures();
    const group = (rows: Row[], key: string) => {
      const m = new Map<string, Row[]>();
      for (const r of rows) {
        const list = m.get(r[key]!);
        if (list === undefined) m.set(r[key]!, [r]);
        else list.push(r);
      }
      return m;
    };
    const items = group(t.order_items!, "order_id");
    for (const o of t.orders!) {
      const lines = items.get(o.id!) ?? [];
      f.check(Number(o.item_count) === lines.length, "item_count", o);
      f.check(Number(o.total) === lines.reduce((a, l) => a + Number(l.line_total), 0), "order total", o);
      lines.forEach((l, k) => {
        f.check(Number(l.line_no) === k + 1, "line_no", l);
        const discount = l.discount_rate === "\\N" ? 0 : Number(l.discount_rate);
        f.check(
          Number(l.line_total) === Math.round(Number(l.quantity) * Number(l.unit_price) * (1 - discount)),
          "line_total",
          l,
        );
      });
    }
    const ordersOf = group(t.orders!, "bill_id");
    for (const b of t.bills!) {
      const os = ordersOf.get(b.id!) ?? [];
      f.check(Number(b.order_count) === os.length, "order_count", b);
      f.check(Number(b.total_amount) === os.reduce((a, o) => a + Number(o.total), 0), "bill total", b);
    }
    const devicesOf = group(t.devices!, "store_id");
    for (const s of t.stores!)
      f.check(Number(s.device_count) === (devicesOf.get(s.id!)?.length ?? 0), "device_count", s);
    expect(f.list).toEqual([]);
    expect(t.order_items!.some((l) => l.discount_rate !== "\\N")).toBe(true);
  });

  it("keeps time in order: bill → order → payment → confirmation", () => {
    const f = new Failures();
    const bills = index(t.bills!);
    const orders = index(t.orders!);
    for (const b of t.bills!) f.check(seconds(b.updated_at!) >= seconds(b.created_at!), "bill updated", b);
    for (const o of t.orders!) {
      const d = seconds(o.created_at!) - seconds(bills.get(o.bill_id!)!.created_at!);
      f.check(d >= 0 && d <= 7200, "order after bill", o);
    }
    const paymentsOf = new Map<string, Row[]>();
    for (const p of t.payments!) paymentsOf.set(p.order_id!, [...(paymentsOf.get(p.order_id!) ?? []), p]);
    for (const p of t.payments!) {
      const d = seconds(p.created_at!) - seconds(orders.get(p.order_id!)!.created_at!);
      f.check(d >= 5 && d <= 600, "payment after order", p);
      if (p.status === "succeeded") {
        const c = seconds(p.confirmed_at!) - seconds(p.created_at!);
        f.check(c >= 0 && c <= 20, "confirmed after payment", p);
      } else f.check(p.confirmed_at === "\\N", "unconfirmed", p);
    }
    // A second payment follows a failed first one.
    for (const ps of paymentsOf.values())
      if (ps.length === 2) f.check(ps[0]!.status === "failed", "retry", ps);
    expect(f.list).toEqual([]);
    const share = (s: string) => t.payments!.filter((p) => p.status === s).length / t.payments!.length;
    expect(share("failed")).toBeGreaterThan(0.05);
    expect(share("succeeded")).toBeGreaterThan(0.85);
  });

  it("never repeats a unique value", () => {
    const unique: Record<string, string[]> = {
      merchants: ["id", "code", "email"],
      stores: ["id"],
      devices: ["id", "serial_number"],
      bills: ["id", "bill_number"],
      orders: ["id", "order_number"],
      order_items: ["id"],
      payments: ["id", "payment_intent_id", "idempotency_key"],
    };
    for (const [table, cols] of Object.entries(unique)) {
      const rows = t[table]!;
      for (const c of cols) expect(new Set(rows.map((r) => r[c])).size, `${table}.${c}`).toBe(rows.length);
    }
    const pairs = new Set(t.order_items!.map((i) => `${i.order_id}/${i.line_no}`));
    expect(pairs.size).toBe(t.order_items!.length);
  });

  it("writes values PostgreSQL reads: JSON, arrays, codes", () => {
    const f = new Failures();
    for (const m of t.merchants!) {
      const settings = JSON.parse(m.settings!) as Record<string, unknown>;
      f.check(
        typeof settings.tips === "boolean" &&
          ["print", "email", "sms"].includes(String(settings.receipt)) &&
          settings.schema === 2,
        "settings",
        m,
      );
      f.check(/^M\d{7}$/.test(m.code!) && /^\+639\d{9}$/.test(m.phone!), "code, phone", m);
    }
    for (const s of t.stores!) f.check(/^\{("[a-z-]+"(,"[a-z-]+")*)?\}$/.test(s.features!), "features", s);
    for (const d of t.devices!) f.check(/^SN-[A-Z]{2}\d\d-\d{4}-\d\d$/.test(d.serial_number!), "serial", d);
    for (const o of t.orders!) f.check(/^ORD-\d{4}-\d{4}-[A-Z]{2}$/.test(o.order_number!), "order number", o);
    for (const p of t.payments!)
      f.check(/^PI-\d{4}-\d{4}-[A-Z]{4}$/.test(p.payment_intent_id!), "intent id", p);
    expect(f.list).toEqual([]);
  });
});
