import { defineDataset, gen } from "strain";

/**
 * Point-of-sale orders and payments in the shape of seed 002 (MPAC SmartPOS): merchants → stores →
 * devices → bills → orders → order items, and payments per order with an idempotency key. About 570
 * rows per merchant; `--scale` counts merchants.
 *
 *   psql "$DATABASE_URL" -f plans/datasets/pos-payments.sql
 *   npx strain data plans/datasets/pos-payments.ts --db "$DATABASE_URL" --scale 1000
 *
 * Consistent by construction: an order's total is the sum of its lines, a bill's the sum of its
 * orders, a payment's amount its order's total, and every timestamp follows the one it depends on.
 */
const { array, bool, childCount, choice, constant, date, derive, email, fullName, int, json, nullable } = gen;
const { pattern, phone, real, ref, sequence, sum, timestamp, uuid } = gen;

const SHOP_WORDS = ["Mini Mart", "Café", "Kitchen", "Grill", "Bakery", "Supermarket", "Boutique", "Pharmacy"];
const PRODUCTS = [
  "Coffee",
  "Green tea",
  "Rice bowl",
  "Ramen",
  "Sandwich",
  "Salad",
  "Juice",
  "Cake",
  "Water",
  "Snack",
];

export default defineDataset({
  name: "pos-payments",
  description: "SmartPOS merchants, stores, devices, bills, orders, order items and payments (seed 002)",
  version: 1,
  root: "merchants",
  locale: "ph",
  tables: {
    merchants: {
      columns: {
        id: sequence(),
        code: sequence({ prefix: "M", width: 7 }),
        owner_name: fullName(),
        // Owner's surname and a kind of shop: "Reyes Bakery".
        name: derive((row, ctx) => `${String(row.owner_name).split(" ").at(-1)} ${ctx.rng.pick(SHOP_WORDS)}`),
        category: choice({ restaurant: 35, cafe: 20, retail: 30, grocery: 15 }),
        phone: phone(),
        email: email({ unique: true, domain: "merchants.example" }),
        settings: json({ tips: bool(0.4), receipt: choice(["print", "email", "sms"]), schema: 2 }),
        created_at: timestamp({ from: "2023-01-01", to: "2024-12-31" }),
      },
      unique: ["id", "code", "email"],
    },
    stores: {
      parent: "merchants",
      count: { 1: 60, 2: 25, 3: 10, 5: 5 },
      columns: {
        id: sequence(),
        merchant_id: ref("id"),
        name: derive((_row, ctx) => `${String(ctx.parent?.name)} #${ctx.index + 1}`),
        opened_on: date({ from: "2018-01-01", to: "2024-12-31" }),
        device_count: childCount("devices"),
        features: array(choice(["delivery", "takeaway", "late-night", "wifi", "drive-thru"]), {
          min: 0,
          max: 3,
        }),
      },
      unique: ["id"],
    },
    devices: {
      parent: "stores",
      count: { min: 1, max: 4 },
      columns: {
        id: uuid(),
        merchant_id: ref("stores.merchant_id"),
        store_id: ref("id"),
        serial_number: pattern("SN-??##-####-##", { unique: true }),
        model: choice({ "SmartTab S1": 50, "SmartTab S2": 35, "SmartTab Mini": 15 }),
        status: choice({ active: 92, inactive: 6, retired: 2 }),
        registered_at: timestamp({ from: "2024-01-01", to: "2025-09-30" }),
      },
      unique: ["id", "serial_number"],
    },
    bills: {
      parent: "devices",
      count: { min: 5, max: 40 },
      columns: {
        id: uuid(),
        merchant_id: ref("devices.merchant_id"),
        store_id: ref("devices.store_id"),
        device_id: ref("id"),
        bill_number: sequence({ prefix: "B", width: 10 }),
        status: choice({ closed: 92, open: 5, pending: 3 }),
        created_at: timestamp({ from: "2025-10-01", to: "2025-12-31" }),
        // Generates this bill's orders first; orders may only read the columns above.
        total_amount: sum("orders.total"),
        order_count: childCount("orders"),
        updated_at: timestamp({ after: "created_at", within: "3h" }),
      },
      unique: ["id", "bill_number"],
    },
    orders: {
      parent: "bills",
      count: { 1: 80, 2: 15, 3: 5 },
      columns: {
        id: uuid(),
        bill_id: ref("id"),
        merchant_id: ref("bills.merchant_id"),
        device_id: ref("bills.device_id"),
        order_number: pattern("ORD-####-####-??", { unique: true }),
        channel: choice({ counter: 70, table: 20, online: 10 }),
        created_at: timestamp({ after: "bills.created_at", within: "2h" }),
        item_count: childCount("order_items"),
        total: sum("order_items.line_total"),
        currency: constant("JPY"),
      },
      unique: ["id", "order_number"],
    },
    order_items: {
      parent: "orders",
      count: { 1: 45, 2: 30, 3: 15, 4: 10 },
      columns: {
        id: uuid(),
        order_id: ref("id"),
        line_no: derive((_row, ctx) => ctx.index + 1),
        sku: pattern("SKU-#####"),
        product_name: choice(PRODUCTS),
        quantity: choice([1, 2, 3, 4, 6], [55, 25, 10, 6, 4]),
        unit_price: int(100, 3000),
        discount_rate: nullable(0.85, real(0.05, 0.3)),
        // Yen: whole units, rounded after the discount.
        line_total: derive((row) =>
          Math.round(Number(row.quantity) * Number(row.unit_price) * (1 - Number(row.discount_rate ?? 0))),
        ),
      },
      unique: ["id"],
    },
    payments: {
      parent: "orders",
      count: { 1: 92, 2: 8 },
      columns: {
        id: uuid(),
        order_id: ref("id"),
        merchant_id: ref("orders.merchant_id"),
        payment_intent_id: pattern("PI-####-####-????", { unique: true }),
        idempotency_key: uuid(),
        method: choice({ card: 45, qr: 30, cash: 20, ewallet: 5 }),
        provider: choice({ "mpac-pgw": 70, paypay: 20, stripe: 10 }),
        amount: ref("orders.total"),
        currency: ref("orders.currency"),
        // With two payments the first one failed; a lone one is almost always through.
        status: derive((_row, ctx) =>
          ctx.siblings > 1 && ctx.index === 0 ? "failed" : ctx.rng.chance(0.01) ? "pending" : "succeeded",
        ),
        created_at: timestamp({ after: "orders.created_at", atLeast: "5s", within: "10m" }),
        confirmed_at: nullable(
          (row) => row.status !== "succeeded",
          timestamp({ after: "created_at", within: "20s" }),
        ),
      },
      unique: ["id", "payment_intent_id", "idempotency_key"],
    },
  },
  // Identity columns were given explicit values: move their sequences past them.
  afterLoad: (tables) =>
    ["merchants", "stores"]
      .filter((t) => tables.includes(t))
      .map(
        (t) =>
          `SELECT setval(pg_get_serial_sequence('${t}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM ${t}), false)`,
      ),
});
