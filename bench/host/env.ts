// The environment the host process runs the functions in: what the Functions emulator gives its
// workers (firebase-tools lib/emulator/functionsEmulator.js getRuntimeEnvs), pointed at the host's
// own Firestore emulator and its private Daraja simulator.
import { readEnvFile } from "../../tests/support/providers.ts";

export interface HostSettings {
  readonly projectId: string;
  readonly region: string;
  readonly hostOrigin: string;
  readonly firestoreHost: string;
  readonly authHost: string;
  readonly darajaBaseUrl: string;
}

/**
 * The functions' parameters and secrets as the Functions emulator loads them (.env.<project>, then
 * .secret.local), the emulator's own variables, and the host's addresses. Token verification is
 * skipped exactly as the emulator skips it: FIREBASE_DEBUG_FEATURES.skipTokenVerification makes
 * firebase-functions decode ID and App Check tokens without checking their signatures.
 */
export function hostEnvironment(settings: HostSettings, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const params = readEnvFile(`functions/.env.${settings.projectId}`);
  const secrets = readEnvFile("functions/.secret.local");
  return {
    ...base,
    ...params,
    ...secrets,
    MPESA_BASE_URL: settings.darajaBaseUrl,
    MPESA_CALLBACK_URL: `${settings.hostOrigin}/${settings.projectId}/${settings.region}/mpesaCallback`,
    GCLOUD_PROJECT: settings.projectId,
    GOOGLE_CLOUD_QUOTA_PROJECT: settings.projectId,
    FIREBASE_CONFIG: JSON.stringify({ projectId: settings.projectId }),
    FUNCTIONS_EMULATOR: "true",
    TZ: "UTC",
    FIREBASE_DEBUG_MODE: "true",
    // Not the emulator's enableCors: that forces CORS onto every onRequest, which Cloud Run does not.
    FIREBASE_DEBUG_FEATURES: JSON.stringify({ skipTokenVerification: true }),
    FIRESTORE_EMULATOR_HOST: settings.firestoreHost,
    FIREBASE_AUTH_EMULATOR_HOST: settings.authHost,
    METADATA_SERVER_DETECTION: "none",
  };
}
