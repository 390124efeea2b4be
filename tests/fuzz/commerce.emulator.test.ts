// Fuzzing of the shop's invoice download: the getInvoiceLink callable (500 cases, the shared
// checks of tests/support/fuzz.ts) and the invoicePdf endpoint over HTTP (random methods, order
// ids, tokens near a real one and far from it, Authorization headers): nothing answers a 5xx, a
// refusal is a plain sentence, and only a real link or the owner's ID token ever gets the PDF.
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { signInvoiceToken } from "../../functions/src/commerce/invoice-link.ts";
import { randomIp, REGION, signUpAnonymous } from "../support/client.ts";
import { functionUrl } from "../support/emulators.ts";
import { adminDb } from "../support/firestore.ts";
import { around, fuzzCallable, HTTP_RUNS, nasty, seed } from "../support/fuzz.ts";
import { emulatorSecrets } from "../support/providers.ts";

describe(`fuzzing the invoice download (seed ${seed})`, () => {
  it("getInvoiceLink answers 500 cases without internal", async () => {
    await fuzzCallable(
      "getInvoiceLink",
      around(() => ({ orderId: "0123456789abcdef0123456789abcdef" })),
    );
  }, 240_000);

  it(`invoicePdf answers ${HTTP_RUNS} random requests without a 5xx, and the PDF only to a real link or its owner`, async () => {
    const owner = await signUpAnonymous();
    const stranger = await signUpAnonymous();
    const orderId = "fa11ed0000000000000000000000f022";
    const at = new Date("2026-01-15T09:00:00Z");
    // An order of the owner's, written directly: fulfilment is not under test here.
    await adminDb()
      .collection("orders")
      .doc(orderId)
      .set({
        uid: owner.uid,
        checkoutId: orderId,
        paymentId: "fuzz-payment",
        merchantId: "fuzzshop",
        lines: [
          {
            productId: "kikoi-blue",
            name: "Kikoi",
            quantity: 1,
            unitPrice: 1_500_00,
            lineTotal: 1_500_00,
            priceVersion: 1,
          },
        ],
        currency: "KES",
        quotedTotal: 1_500_00,
        amountPaid: 1_500_00,
        invoiceNumber: "FUZZSHOP-000001",
        invoiceSequence: 1,
        status: "confirmed",
        reviewReasons: [],
        email: "fuzz@example.com",
        createdAt: at,
      });
    const secret = emulatorSecrets.INVOICE_LINK_SECRET ?? "";
    const real = signInvoiceToken(secret, orderId, Date.now() + 3_600_000);
    const base = await functionUrl("invoicePdf", REGION);

    const id = fc.oneof(
      fc.constant(orderId),
      fc.constant("0".repeat(32)),
      fc.stringMatching(/^[0-9a-f]{32}$/),
      fc.string({ maxLength: 80 }),
    );
    const token = fc.oneof(
      fc.constant({ kind: "real" as const, value: real }),
      fc.nat({ max: real.length - 1 }).map((i) => ({
        kind: "bent" as const,
        value: `${real.slice(0, i)}${real[i] === "A" ? "B" : "A"}${real.slice(i + 1)}`,
      })),
      fc.string({ maxLength: 120 }).map((value) => ({ kind: "junk" as const, value })),
      nasty.map((value) => ({
        kind: "junk" as const,
        value: ((JSON.stringify(value) as string | undefined) ?? "null").slice(0, 2_000),
      })),
      fc.constant({ kind: "none" as const, value: "" }),
    );
    const authorization = fc.oneof(
      fc.constant({ kind: "none" as const, value: "" }),
      fc.constant({ kind: "owner" as const, value: `Bearer ${owner.idToken}` }),
      fc.constant({ kind: "stranger" as const, value: `Bearer ${stranger.idToken}` }),
      fc.string({ maxLength: 200 }).map((value) => ({ kind: "junk" as const, value: `Bearer ${value}` })),
      fc.string({ maxLength: 60 }).map((value) => ({ kind: "junk" as const, value })),
    );
    const method = fc.constantFrom("GET", "GET", "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS");
    let served = 0;

    await fc.assert(
      fc.asyncProperty(method, id, token, authorization, async (verb, orderPath, tokenCase, auth) => {
        const url = new URL(`${base}/${encodeURIComponent(orderPath)}`);
        if (tokenCase.kind !== "none") url.searchParams.set("token", tokenCase.value);
        const headers: Record<string, string> = { "X-Forwarded-For": randomIp() };
        // fetch refuses header values with control characters; those never reach a server.
        if (auth.kind !== "none" && /^[\x20-\x7e]*$/.test(auth.value)) headers.Authorization = auth.value;
        const response = await fetch(url, { method: verb, headers });
        const body = Buffer.from(await response.arrayBuffer());
        const label = `${verb} ${url.pathname.slice(0, 80)} token:${tokenCase.kind} auth:${auth.kind}`;
        expect(response.status, label).toBeLessThan(500);
        const sentByOwner = headers.Authorization !== undefined && auth.kind === "owner";
        const rightOrder = orderPath === orderId;
        const mayHave =
          (verb === "GET" || verb === "HEAD") &&
          rightOrder &&
          (sentByOwner || (headers.Authorization === undefined && tokenCase.kind === "real"));
        if (response.status === 200) {
          expect(mayHave, label).toBe(true);
          expect(response.headers.get("content-type"), label).toBe("application/pdf");
          if (verb === "GET") expect(body.subarray(0, 5).toString(), label).toBe("%PDF-");
          served++;
          return;
        }
        if (verb !== "OPTIONS") {
          expect(mayHave, label).toBe(false);
          expect([403, 404, 405], label).toContain(response.status);
          expect(response.headers.get("content-type"), label).toMatch(/^text\/plain/);
          // A HEAD answer has no body, by HTTP's rules.
          if (verb !== "HEAD") expect(body.toString().length, label).toBeGreaterThan(0);
          expect(body.toString(), label).not.toMatch(/at .+\.js|TypeError|undefined is not/);
        }
      }),
      { numRuns: HTTP_RUNS, seed },
    );
    expect(served).toBeGreaterThan(0);
  }, 240_000);
});
