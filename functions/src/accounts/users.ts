// users/{uid}: a user's profile. The one document clients write themselves (their display name,
// under firestore.rules); everything else on it is written by functions.
import { z } from "zod";

import { defineCollection } from "../core/collections.js";

export const USERS = defineCollection("users", z.object({ displayName: z.string().min(1).max(100) }));
