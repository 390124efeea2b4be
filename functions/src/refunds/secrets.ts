// What the refund functions (refundPayment, requeryRefunds) declare at deploy: the Daraja app's
// client credentials (one OAuth token for reversals and B2C), the payout initiator and result
// secrets, and ioTec's. Not the STK passkey or callback secret: refunds never push or hear STK.
// Declarations only, cheap to load from endpoints/.
import { IOTEC_SECRETS } from "../providers/iotec/config.js";
import { mpesaSecrets } from "../providers/mpesa/config.js";
import { MPESA_PAYOUT_SECRETS } from "../providers/mpesa/payout-config.js";

export const REFUND_SECRETS = [
  mpesaSecrets.consumerKey,
  mpesaSecrets.consumerSecret,
  ...MPESA_PAYOUT_SECRETS,
  ...IOTEC_SECRETS,
];
