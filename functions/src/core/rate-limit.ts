// Abuse limits, one mechanism for callables and HTTPS endpoints. Buckets live in Firestore
// (rateLimits/{bucket}) and are counted by compare-and-set, so N concurrent attempts admit
// exactly `limit` of them without anyone holding a lock. A window starts at the first attempt
// after the previous one ended (not at calendar boundaries, where a burst straddling the boundary
// would get twice the limit).
//
// Which limits apply to which route is decided here and nowhere else: ROUTES names each route's
// classes, LIMIT_CLASSES says what a class allows. Every route also counts against the general
// per-IP limit, which is shared by all routes.
import { createHash } from "node:crypto";

import { Timestamp, type DocumentReference, type DocumentSnapshot, type Firestore } from "firebase-admin/firestore";

import { z } from "zod";

import { defineCollection, getAllTyped } from "./collections.js";
import { AppError } from "./errors.js";
import { commitOptimistically, versionOf } from "./optimistic.js";

const MINUTE = 60_000;

interface LimitRule {
  /**
   * Whose attempts are counted: the signed-in user's (one Firebase account), the client
   * address's, or the browser's device id (sent by the pages; a caller who sends none is counted
   * by the other rules only).
   */
  readonly per: "uid" | "ip" | "device";
  readonly limit: number;
  readonly windowMs: number;
}

export const LIMIT_CLASSES = {
  /** Starting a payment from the public page. */
  paymentCreation: [
    { per: "uid", limit: 5, windowMs: MINUTE },
    { per: "ip", limit: 5, windowMs: 15 * MINUTE },
  ],
  /**
   * Verification codes and anything else that guesses at a secret. Per account, per device and
   * per address: fresh anonymous accounts from one browser or one address share the device's and
   * the address's budget.
   */
  sensitive: [
    { per: "uid", limit: 5, windowMs: 15 * MINUTE },
    { per: "device", limit: 10, windowMs: 15 * MINUTE },
    { per: "ip", limit: 30, windowMs: 15 * MINUTE },
  ],
  /**
   * Money leaving a wallet: a person withdraws a few times a day. (The PIN has its own lock, so
   * this slows scripted abuse rather than guessing.)
   */
  moneyOut: [
    { per: "uid", limit: 10, windowMs: MINUTE },
    { per: "device", limit: 10, windowMs: MINUTE },
    { per: "ip", limit: 20, windowMs: 15 * MINUTE },
  ],
  /** Status checks, carts and other operations a page repeats. */
  frequent: [{ per: "uid", limit: 30, windowMs: MINUTE }],
  /** Every API request from one address, all routes together. */
  general: [{ per: "ip", limit: 100, windowMs: 15 * MINUTE }],
  /**
   * Distinct accounts one address may use for payments, money and account operations: anonymous
   * sign-in hands out a fresh uid per call, so per-user limits alone stop nobody. Counted by
   * accounts/session.ts (each uid once per window) and by the beforeUserCreated blocking function
   * where the platform runs it. Generous, because mobile carriers put many people behind one
   * address (carrier-grade NAT).
   */
  accountsPerAddress: [{ per: "ip", limit: 30, windowMs: 60 * MINUTE }],
} as const satisfies Record<string, readonly LimitRule[]>;

export type LimitClass = keyof typeof LIMIT_CLASSES;

export const ROUTES = {
  createPayment: { classes: ["paymentCreation"], attempts: "payment attempts" },
  // Checking out starts the order's payment: the payment creation limits apply to it.
  checkout: { classes: ["paymentCreation"], attempts: "checkouts" },
  addToCart: { classes: ["frequent"], attempts: "cart changes" },
  updateCartLine: { classes: ["frequent"], attempts: "cart changes" },
  removeFromCart: { classes: ["frequent"], attempts: "cart changes" },
  getCart: { classes: ["frequent"], attempts: "cart reads" },
  verifyPaymentCode: { classes: ["sensitive"], attempts: "verification attempts" },
  // Each sends an email: a mail bomb if left unlimited (and at most 3 per payment besides).
  resendPaymentCode: { classes: ["sensitive"], attempts: "code re-sends" },
  submitEntry: { classes: ["frequent"], attempts: "entry submissions" },
  // Each costs a memory-hard hash; changePin also guesses at the current PIN (which has its own
  // lock, wallet/pin.ts).
  setPin: { classes: ["sensitive"], attempts: "attempts to set a PIN" },
  changePin: { classes: ["sensitive"], attempts: "attempts to change the PIN" },
  getPaymentStatus: { classes: ["frequent"], attempts: "status checks" },
  quote: { classes: ["frequent"], attempts: "quotes" },
  getWallet: { classes: ["frequent"], attempts: "balance checks" },
  listWalletActivity: { classes: ["frequent"], attempts: "activity requests" },
  // Paying a bill starts a purchase: the payment creation limits apply to it too.
  payBill: { classes: ["paymentCreation"], attempts: "bill payments" },
  // Each asks a biller about a number: a guessing tool if left unlimited.
  verifyBillCustomer: { classes: ["sensitive"], attempts: "customer number checks" },
  resendBillReceipt: { classes: ["sensitive"], attempts: "receipt re-sends" },
  // Operators only; a repeated key is the same refund, but every attempt counts.
  refundPayment: { classes: ["frequent"], attempts: "refund requests" },
  // Operators only; a repeat answers the published results, but every attempt counts.
  publishResults: { classes: ["frequent"], attempts: "result publications" },
  withdraw: { classes: ["moneyOut"], attempts: "withdrawals" },
  getWithdrawal: { classes: ["frequent"], attempts: "withdrawal checks" },
  getWithdrawalOptions: { classes: ["frequent"], attempts: "withdrawal checks" },
  // The second factor (twofactor/): enrolment and disabling are rare; a wrong code also counts
  // against the factor's own lock (5 in a row lock it for 15 minutes), so these limits only stop
  // a flood. stepUp comes before every withdrawal of a user with 2FA: the money-out limits.
  startTwoFactorEnrolment: { classes: ["sensitive"], attempts: "enrolment attempts" },
  confirmTwoFactorEnrolment: { classes: ["sensitive"], attempts: "enrolment codes" },
  disableTwoFactor: { classes: ["sensitive"], attempts: "attempts to turn off two-step verification" },
  stepUp: { classes: ["moneyOut"], attempts: "verification codes" },
  // The point of sale (pos/): opening a store and registering a till happen once per shop and device.
  createStore: { classes: ["frequent"], attempts: "stores created" },
  registerTill: { classes: ["frequent"], attempts: "till registrations" },
  health: { classes: [], attempts: "requests" },
  // Accounts (accounts/): signing out everywhere and removing a device revoke sessions and send
  // no mail, but each is an Auth Admin call; changing a device's trust is a write.
  signOutEverywhere: { classes: ["sensitive"], attempts: "sign-outs" },
  removeDevice: { classes: ["sensitive"], attempts: "device removals" },
  setDeviceTrusted: { classes: ["frequent"], attempts: "device changes" },
  // Each request mails the new and the old address; each confirmation guesses at a mailed code.
  requestEmailChange: { classes: ["sensitive"], attempts: "email change requests" },
  confirmEmailChange: { classes: ["sensitive"], attempts: "email change codes" },
  // Not a request of its own: a new account seen from an address (the request itself is counted
  // by its route), so the general limit is not counted again.
  accountSeen: { classes: ["accountsPerAddress"], attempts: "new accounts from your network", general: false },
  accountCreated: { classes: ["accountsPerAddress"], attempts: "new accounts from your network", general: false },
  // The shop's invoice links: the page asks for one per order shown; a PDF download is a link
  // whose HMAC cannot be guessed, so it counts against the general limit only.
  getInvoiceLink: { classes: ["frequent"], attempts: "invoice link requests" },
  invoicePdf: { classes: [], attempts: "invoice downloads" },
  // Provider callbacks are never limited (a refused callback can be a lost payment); only those
  // that fail authentication count, so guessing a callback secret is slowed down.
  rejectedCallback: { classes: [], attempts: "unauthenticated callbacks" },
} as const satisfies Record<
  string,
  { classes: readonly Exclude<LimitClass, "general">[]; attempts: string; general?: false }
>;

export type Route = keyof typeof ROUTES;

export interface Requester {
  readonly uid?: string | undefined;
  readonly ip: string;
  readonly deviceId?: string | undefined;
}

export interface RateLimit {
  /** What is limited and for whom, e.g. "createPayment:paymentCreation:uid:abc". */
  readonly key: string;
  readonly limit: number;
  readonly windowMs: number;
}

/** The buckets one attempt at `route` by `requester` counts against. */
export function limitsFor(route: Route, requester: Requester): RateLimit[] {
  const spec: { classes: readonly LimitClass[]; general?: false } = ROUTES[route];
  const named = spec.classes.map((name) => ({ name, rules: LIMIT_CLASSES[name] }));
  const general = spec.general === false ? [] : [{ name: "general" as const, rules: LIMIT_CLASSES.general }];
  return [...general, ...named].flatMap(({ name, rules }) =>
    rules.flatMap((rule: LimitRule) => {
      const subject = rule.per === "uid" ? requester.uid : rule.per === "device" ? requester.deviceId : requester.ip;
      if (subject === undefined) return [];
      // The general limit is shared by every route; the others are per route.
      const scope = name === "general" ? name : `${route}:${name}`;
      return [{ key: `${scope}:${rule.per}:${subject}`, limit: rule.limit, windowMs: rule.windowMs }];
    }),
  );
}

/** rateLimits/{hash(key|window)}: one bucket per limited subject and window. */
export const RATE_LIMITS = defineCollection(
  "rateLimits",
  z.object({
    key: z.string(),
    windowStart: z.instanceof(Timestamp),
    count: z.number().int(),
    attempts: z.array(z.string()).optional(),
    expiresAt: z.instanceof(Timestamp),
  }),
);
type BucketRecord = z.infer<typeof RATE_LIMITS.schema>;

function bucketId(limit: RateLimit): string {
  return createHash("sha256").update(`${limit.key}|${limit.windowMs}`).digest("hex").slice(0, 40);
}

interface Bucket {
  readonly limit: RateLimit;
  readonly ref: DocumentReference<BucketRecord>;
  /** Counts distinct attempts (the route's own classes), or every request (the general class). */
  readonly distinct: boolean;
}

function bucketsFor(db: Firestore, route: Route, requester: Requester): Bucket[] {
  return limitsFor(route, requester).map((limit) => ({
    limit,
    ref: RATE_LIMITS.ref(db).doc(bucketId(limit)),
    distinct: !limit.key.startsWith("general:"),
  }));
}

/**
 * The bucket's state after one more attempt, `undefined` when the attempt is already counted in it
 * (the same payment attempt racing itself), or resource-exhausted (details: retryAfterSeconds) when
 * its window is used up.
 */
function countAttempt(
  route: Route,
  bucket: Bucket,
  snapshot: DocumentSnapshot<BucketRecord>,
  now: number,
  attemptKey: string | undefined,
): BucketRecord | undefined {
  const { limit } = bucket;
  const stored = snapshot.data();
  const started = stored?.windowStart.toMillis();
  const open = started !== undefined && now < started + limit.windowMs;
  const count = open ? (stored?.count ?? 0) : 0;
  const attempts = open ? (stored?.attempts ?? []) : [];
  const windowStart = open ? started : now;
  const distinct = bucket.distinct && attemptKey !== undefined;
  if (distinct && attempts.includes(attemptKey)) return undefined;
  if (count >= limit.limit) {
    // `now` was read when this request arrived, which can be a moment before a concurrent
    // request opened the window: never promise a wait longer than the window itself.
    const remainingMs = windowStart + limit.windowMs - Math.max(now, windowStart);
    const retryAfterSeconds = Math.max(1, Math.ceil(remainingMs / 1000));
    throw new AppError(
      "resource-exhausted",
      `Too many ${ROUTES[route].attempts}. Please wait ${describeWait(retryAfterSeconds)} and try again.`,
      { retryAfterSeconds },
    );
  }
  return {
    key: limit.key,
    windowStart: Timestamp.fromMillis(windowStart),
    count: count + 1,
    ...(distinct ? { attempts: [...attempts, attemptKey] } : {}),
    // The TTL policy (firestore.indexes.json) and cleanupRateLimits delete buckets after this.
    expiresAt: Timestamp.fromMillis(windowStart + limit.windowMs),
  };
}

export interface AttemptOptions {
  /**
   * Counts attempts, not requests, for the route's own classes: an attempt already counted in the
   * window (the same payment key arriving twice at once) is not counted again. The general limit
   * counts every request regardless.
   */
  readonly attemptKey?: string;
}

/**
 * Counts one attempt: read the buckets, then write them in one batch whose preconditions
 * (unchanged since read, or still absent) make it compare-and-set. Whoever loses a race re-reads
 * and tries again; nobody holds a lock, so a burst on one bucket cannot deadlock, and exactly
 * `limit` attempts are admitted. All buckets or none are written, so a refused attempt changes
 * nothing. A lost race means someone else's attempt was counted, and a window admits only `limit`
 * of those, so the loop ends; only races lost while no bucket changed (aborts) are bounded
 * separately, with `unavailable` (nothing written, trying again is safe).
 */
export async function enforceRateLimits(
  db: Firestore,
  route: Route,
  requester: Requester,
  now: number,
  options: AttemptOptions = {},
): Promise<void> {
  const buckets = bucketsFor(db, route, requester);
  await commitOptimistically(async () => {
    // One getAll: every bucket as it stood at one moment.
    const snapshots = await getAllTyped(
      db,
      buckets.map((bucket) => bucket.ref),
    );
    const batch = db.batch();
    buckets.forEach((bucket, i) => {
      const snapshot = snapshots[i];
      if (!snapshot) throw new Error(`rate limit: bucket ${bucket.limit.key} was not read`);
      const data = countAttempt(route, bucket, snapshot, now, options.attemptKey);
      if (data === undefined) return;
      if (snapshot.updateTime) batch.update(bucket.ref, data, { lastUpdateTime: snapshot.updateTime });
      else batch.create(bucket.ref, data);
    });
    return { version: versionOf(snapshots), commit: () => batch.commit() };
  }, "We are handling too many requests at once. Please try again in a few seconds.");
}

/** A wait as a person reads it: "45 seconds", "14 minutes". */
export function describeWait(seconds: number): string {
  if (seconds < 120) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/** Deletes buckets whose window has ended. Returns how many it deleted. */
export async function deleteExpiredRateLimits(db: Firestore, now: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const expired = await RATE_LIMITS.ref(db).where("expiresAt", "<=", Timestamp.fromMillis(now)).limit(400).get();
    if (expired.empty) return deleted;
    const batch = db.batch();
    for (const doc of expired.docs) batch.delete(doc.ref);
    await batch.commit();
    deleted += expired.size;
  }
}
