// users/{uid}: a user's profile. The one document clients write themselves (their display name,
// under firestore.rules, which refuse control characters and direction overrides in it as
// shared/text.ts does); everything else on it is written by functions.
import { z } from "zod";

import { defineCollection } from "../core/collections.js";
import { cleanText } from "../shared/text.js";

export const USERS = defineCollection("users", z.object({ displayName: cleanText(z.string().min(1).max(100)) }));
