// The shop's secret, declared apart from the code that uses it so the endpoint modules can list it
// at import without loading that code (endpoints/https.ts, endpoints/triggers.ts).
import { defineSecret } from "firebase-functions/params";

/** Keys the invoice download links (invoice-link.ts). */
export const invoiceLinkSecret = defineSecret("INVOICE_LINK_SECRET");
/** Every function that makes or checks invoice links lists these (fulfilment's trigger too). */
export const INVOICE_LINK_SECRETS = [invoiceLinkSecret];
