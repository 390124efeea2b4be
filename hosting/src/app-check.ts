// App Check for the page. Deployed, the page proves itself with reCAPTCHA Enterprise (site key
// VITE_APP_CHECK_SITE_KEY, set at build time). Served from this machine it uses a debug provider
// whose tokens the Functions emulator accepts without verification: Firebase's own debug provider
// exchanges its token with Google's App Check service, which the offline emulators cannot reach.
import type { FirebaseApp } from "firebase/app";
import { CustomProvider, initializeAppCheck, ReCaptchaEnterpriseProvider, type AppCheck } from "firebase/app-check";

import { EMULATOR_APP_ID, emulatorAppCheckToken } from "./app-check-token";

export function startAppCheck(app: FirebaseApp, local: boolean): AppCheck | undefined {
  if (local) {
    const { appId = EMULATOR_APP_ID, projectId = "demo-malipo" } = app.options;
    const provider = new CustomProvider({
      getToken: () => Promise.resolve(emulatorAppCheckToken(appId, projectId, Date.now())),
    });
    return initializeAppCheck(app, { provider, isTokenAutoRefreshEnabled: true });
  }
  const siteKey = import.meta.env.VITE_APP_CHECK_SITE_KEY;
  // Without a site key the page still works where the functions do not enforce App Check.
  if (!siteKey) return undefined;
  return initializeAppCheck(app, {
    provider: new ReCaptchaEnterpriseProvider(siteKey),
    isTokenAutoRefreshEnabled: true,
  });
}
