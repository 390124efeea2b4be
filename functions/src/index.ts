// Wiring only: each export binds a trigger to a handler that lives with its feature.
import { setGlobalOptions } from "firebase-functions/v2";
import { onRequest } from "firebase-functions/v2/https";

import { db } from "./core/firebase.js";
import { REGION } from "./core/region.js";
import { codeVersion } from "./core/version.js";
import { createHealthHandler, probeFirestore } from "./operations/health.js";

setGlobalOptions({ region: REGION });

export const health = onRequest(
  { cors: false, memory: "256MiB", maxInstances: 5 },
  createHealthHandler({ probe: () => probeFirestore(db()), version: codeVersion }),
);
