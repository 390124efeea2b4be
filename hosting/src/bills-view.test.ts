import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import {
  amountHint,
  BILL_HISTORY,
  billSummary,
  billTitle,
  deliveredLines,
  LOGO_HOSTS,
  logoSource,
  needsAmount,
  needsPhone,
  numberLabel,
  parseAmount,
  pointsLine,
  quoteLine,
  quoteUsable,
  servicesByCategory,
  variationLabel,
  type BillService,
} from "./bills-view";

function service(id: string, overrides: Partial<BillService> = {}): BillService {
  return {
    id,
    provider: "vtpass",
    category: "electricity",
    name: id,
    image: null,
    minAmount: null,
    maxAmount: null,
    verification: "meter",
    variations: [],
    active: true,
    ...overrides,
  };
}

describe("bills page wording", () => {
  it("groups what is on sale by category, in the catalog's order, by name, without withdrawn services", () => {
    const grouped = servicesByCategory([
      service("ikeja-electric", { name: "Ikeja Electric" }),
      service("mtn", { category: "airtime", name: "MTN", verification: null }),
      service("eko-electric", { name: "Eko Electric" }),
      service("old", { category: "tv", active: false }),
    ]);
    expect([...grouped.keys()]).toEqual(["airtime", "electricity"]);
    expect(grouped.get("electricity")?.map((s) => s.id)).toEqual(["eko-electric", "ikeja-electric"]);
  });

  it("names the customer number after what the biller checks, and asks for a phone beyond airtime and data", () => {
    expect(numberLabel({ verification: "meter" })).toBe("Meter number");
    expect(numberLabel({ verification: "smartcard" })).toBe("Smartcard or IUC number");
    expect(numberLabel({ verification: null })).toBe("Phone number");
    expect([needsPhone({ category: "airtime" }), needsPhone({ category: "data" })]).toEqual([false, false]);
    expect(needsPhone({ category: "electricity" })).toBe(true);
  });

  it("asks for an amount unless the plan has a fixed price, and lists fixed prices in the menu", () => {
    const padi = { code: "dstv-padi", name: "DStv Padi", amount: 2_950_00, fixedPrice: true };
    const prepaid = { code: "prepaid", name: "Prepaid", amount: 0, fixedPrice: false };
    expect([needsAmount(padi), needsAmount(prepaid), needsAmount(null)]).toEqual([false, true, true]);
    expect(variationLabel(padi)).toBe("DStv Padi · NGN 2,950.00");
    expect(variationLabel(prepaid)).toBe("Prepaid");
    expect(amountHint({ minAmount: 500_00, maxAmount: null })).toBe("From NGN 500.00");
    expect(amountHint({ minAmount: 500_00, maxAmount: 50_000_00 })).toBe("NGN 500.00 to NGN 50,000.00");
    expect(amountHint({ minAmount: null, maxAmount: null })).toBe("");
  });

  it.each([
    ["1000", 1_000_00],
    ["1,000", 1_000_00],
    [" 1000.5 ", 1_000_50],
    ["0.01", 1],
  ])("reads %j as %i kobo", (text, kobo) => {
    expect(parseAmount(text)).toBe(kobo);
  });

  it.each(["", "0", "0.00", "-5", "1.005", "1e3", "abc", "1.", "9999999999"])("refuses the amount %j", (text) => {
    expect(parseAmount(text)).toBeUndefined();
  });

  it("shows amount + fee = total and the points a quote earns", () => {
    expect(quoteLine({ amount: 1_000_00, fee: 50_00, total: 1_050_00 })).toBe(
      "NGN 1,000.00 + fee NGN 50.00 = NGN 1,050.00",
    );
    expect([pointsLine(0), pointsLine(1), pointsLine(1_200)]).toEqual([
      "Earns no points",
      "Earns 1 point",
      "Earns 1,200 points",
    ]);
  });

  it("stops using a quote shortly before it expires", () => {
    const expiresAt = "2026-01-10T12:05:00.000Z";
    expect(quoteUsable({ expiresAt }, Date.parse("2026-01-10T12:04:00.000Z"))).toBe(true);
    expect(quoteUsable({ expiresAt }, Date.parse("2026-01-10T12:04:50.000Z"))).toBe(false);
  });

  it("titles and sums up a bill, and hands over its token as the receipt does", () => {
    const bill = {
      serviceName: "Ikeja Electric",
      variationName: "Prepaid",
      customerNumber: "1111111111111",
      customerName: "ADE BELLO",
      currency: "NGN",
      amount: 1_000_00,
      fee: 50_00,
      total: 1_050_00,
      points: 10,
    } as const;
    expect(billTitle(bill)).toBe("Ikeja Electric · Prepaid for 1111111111111 (ADE BELLO)");
    expect(billTitle({ ...bill, variationName: null, customerName: null })).toBe("Ikeja Electric for 1111111111111");
    expect(billSummary(bill)).toBe("NGN 1,000.00 + fee NGN 50.00 = NGN 1,050.00 · earns 10 points");
    expect(deliveredLines({ token: "1234-5678", units: "79.9 kWh" })).toEqual(["Token: 1234-5678 (79.9 kWh)"]);
  });

  it("shows logos only from the hosts the Content-Security-Policy allows", () => {
    expect(logoSource("https://sandbox.vtpass.com/resources/mtn.jpg")).toBe(
      "https://sandbox.vtpass.com/resources/mtn.jpg",
    );
    expect(logoSource("https://vtpass.com/mtn.jpg")).toBe("https://vtpass.com/mtn.jpg");
    expect(logoSource("http://vtpass.com/mtn.jpg")).toBeNull();
    expect(logoSource("https://evilvtpass.com/mtn.jpg")).toBeNull();
    expect(logoSource("not a url")).toBeNull();
    expect(logoSource(null)).toBeNull();
    const firebaseJson = readFileSync(new URL("../../firebase.json", import.meta.url), "utf8");
    const imgSrc = /img-src ([^;]*);/.exec(firebaseJson)?.[1]?.split(" ") ?? [];
    expect(imgSrc).toEqual(expect.arrayContaining(LOGO_HOSTS.map((host) => `https://${host}`)));
  });

  it("has the composite index the history query needs", () => {
    const { indexes } = JSON.parse(readFileSync(new URL("../../firestore.indexes.json", import.meta.url), "utf8")) as {
      indexes: unknown[];
    };
    expect(indexes).toContainEqual({
      collectionGroup: "bills",
      queryScope: "COLLECTION",
      fields: [
        { fieldPath: BILL_HISTORY.owner, order: "ASCENDING" },
        { fieldPath: BILL_HISTORY.newestFirst, order: "DESCENDING" },
      ],
    });
  });
});
