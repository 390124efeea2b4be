// The simulators' accounts and where they listen. These credentials exist only here: they open
// nothing but these local simulators. functions/.secret.local.example and functions/.env.demo-malipo
// carry the same values for the emulator (a unit test keeps them in step).
export const SANDBOX_HOST = "127.0.0.1";

export const DARAJA = {
  port: 9301,
  consumerKey: "sim-mpesa-consumer-key",
  consumerSecret: "sim-mpesa-consumer-secret",
  shortcode: "174379",
  passkey: "sim-mpesa-passkey",
  b2cShortcode: "600999",
  initiatorName: "sim-initiator",
  securityCredential: "sim-mpesa-security-credential",
} as const;

export const IOTEC = {
  port: 9302,
  clientId: "sim-iotec-client",
  clientSecret: "sim-iotec-client-secret",
  walletId: "sim-iotec-wallet",
  /** ioTec sends callbacks with a static header of the merchant's choosing. */
  callbackHeader: "x-malipo-callback-secret",
  callbackSecret: "sim-iotec-callback-secret",
  callbackUrl: "http://127.0.0.1:5001/demo-malipo/africa-south1/iotecCallback",
} as const;

export const VTPASS = {
  port: 9303,
  apiKey: "sim-vtpass-api-key",
  publicKey: "sim-vtpass-public-key",
  secretKey: "sim-vtpass-secret-key",
  /** VTpass posts webhooks to the one URL configured on the merchant's dashboard. */
  webhookUrl: "http://127.0.0.1:5001/demo-malipo/africa-south1/vtpassWebhook",
} as const;

export const PAYSTACK = {
  port: 9304,
  /** Shaped like a test key; it opens only this simulator. */
  secretKey: "sk_test_sim_paystack_secret",
  webhookUrl: "http://127.0.0.1:5001/demo-malipo/africa-south1/paystackWebhook",
  /** The wallet page as the Hosting emulator serves it: where the checkout sends the payer back. */
  callbackUrl: "http://127.0.0.1:5000/wallet.html",
} as const;
