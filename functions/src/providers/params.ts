// What the functions that talk to providers declare at deploy: each provider's secrets and the
// shared timeout parameter. Cheap to load (parameter declarations only), so the entry point lists
// them without loading the adapters (registry.ts), which load on first call.
import { defineInt } from "firebase-functions/params";

import { IOTEC_SECRETS } from "./iotec/config.js";
import { MPESA_SECRETS } from "./mpesa/config.js";
import { MPESA_PAYOUT_SECRETS } from "./mpesa/payout-config.js";
import { PAYSTACK_SECRETS } from "./paystack/config.js";
import { VTPASS_SECRETS } from "./vtpass/config.js";

export { IOTEC_SECRETS, MPESA_SECRETS, PAYSTACK_SECRETS, VTPASS_SECRETS };
export const PROVIDER_SECRETS = [...MPESA_SECRETS, ...IOTEC_SECRETS, ...PAYSTACK_SECRETS];
/** What every function that sends payouts or reads their results lists: M-Pesa B2C and ioTec. */
export const PAYOUT_SECRETS = [...MPESA_SECRETS, ...MPESA_PAYOUT_SECRETS, ...IOTEC_SECRETS];

/** How long one provider request may take before it counts as a timeout (its outcome unknown). */
export const providerTimeoutMs = defineInt("PROVIDER_TIMEOUT_MS", { default: 15_000 });
