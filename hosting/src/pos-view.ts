// Pure helpers for the till (pos.html): the cart, money in the store's currency, the dashboard's
// figures from the store's days. Kept free of the DOM and of Firebase so they are unit-tested.
import { CURRENCIES } from "../../functions/src/shared/catalog.ts";
import { formatMoney } from "../../functions/src/shared/money.ts";
import type { StoreCurrency } from "../../functions/src/pos/shape.ts";

export { formatMoney };

export interface CatalogueProduct {
  readonly id: string;
  readonly name: string;
  readonly price: number;
  readonly stock: number;
  readonly lowStockAt: number;
  readonly active: boolean;
}

export interface CartLine {
  readonly productId: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

/** The cart with one more of `product` (a new line, or the product's line one higher). */
export function addToCart(cart: readonly CartLine[], product: CatalogueProduct): CartLine[] {
  const found = cart.some((line) => line.productId === product.id);
  if (!found) return [...cart, { productId: product.id, name: product.name, quantity: 1, unitPrice: product.price }];
  return cart.map((line) => (line.productId === product.id ? { ...line, quantity: line.quantity + 1 } : line));
}

/** The sale's lines as the till writes them: each line's total is its quantity times its price. */
export function saleLines(cart: readonly CartLine[]) {
  return cart.map((line) => ({
    productId: line.productId,
    name: line.name,
    quantity: line.quantity,
    unitPrice: line.unitPrice,
    lineTotal: line.quantity * line.unitPrice,
  }));
}

export function cartTotal(cart: readonly CartLine[]): number {
  return cart.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
}

/** What the cashier types ("150", "150.50") in minor units of the currency, or undefined. */
export function parseAmount(text: string, currency: StoreCurrency): number | undefined {
  const digits = CURRENCIES[currency].minorDigits;
  const pattern = digits === 0 ? /^\d{1,12}$/ : new RegExp(`^\\d{1,12}(\\.\\d{1,${digits}})?$`);
  const trimmed = text.trim();
  if (!pattern.test(trimmed)) return undefined;
  const [whole = "0", fraction = ""] = trimmed.split(".");
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
}

export interface DaySummary {
  readonly date: string;
  readonly salesCount: number;
  readonly salesTotal: number;
  readonly cashTotal: number;
  readonly mobileTotal: number;
  readonly expensesTotal: number;
  readonly flaggedCount: number;
  readonly products: Readonly<Record<string, { name: string; quantity: number; total: number }>>;
}

/** The day's best sellers by quantity (ties by name), at most `count`. */
export function topProducts(day: DaySummary | undefined, count = 5) {
  return Object.entries(day?.products ?? {})
    .map(([productId, p]) => ({ productId, ...p }))
    .filter((p) => p.quantity > 0)
    .sort((a, b) => b.quantity - a.quantity || a.name.localeCompare(b.name))
    .slice(0, count);
}

export function lowStock(products: readonly CatalogueProduct[]): CatalogueProduct[] {
  return products.filter((p) => p.active && p.stock <= p.lowStockAt).sort((a, b) => a.stock - b.stock);
}

/** The last `count` calendar days ending `today` (YYYY-MM-DD), newest first. */
export function lastDays(today: string, count = 30): string[] {
  const start = Date.parse(`${today}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(start - i * 86_400_000).toISOString().slice(0, 10));
}

/** How long ago `ms` was, for "last synced". */
export function ago(ms: number | undefined, now: number): string {
  if (ms === undefined) return "never";
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return new Date(ms).toLocaleString();
}
