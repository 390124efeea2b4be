/** Emulator endpoints, baked in at build time from firebase.json (see vite.config.ts). */
declare const __MALIPO_EMULATORS__: {
  readonly auth: string;
  readonly firestore: { readonly host: string; readonly port: number };
  readonly functions: { readonly host: string; readonly port: number };
};
/** The region the functions run in (functions/src/core/region.ts). */
declare const __MALIPO_REGION__: string;

interface ImportMetaEnv {
  /** reCAPTCHA Enterprise site key registered for App Check (hosting/.env.production.local). */
  readonly VITE_APP_CHECK_SITE_KEY?: string;
}
interface ImportMeta {
  readonly env: ImportMetaEnv;
}
