/** Emulator endpoints, baked in at build time from firebase.json (see vite.config.ts). */
declare const __MALIPO_EMULATORS__: { readonly auth: string };
