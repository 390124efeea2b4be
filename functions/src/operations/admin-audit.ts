// adminAudit/{id}: every role change made with `npm run admin` (tools/admin.ts), for operators:
// the admin claim granted or revoked, a judge appointed to or removed from a competition; and every
// publication of a competition's results (entries/results.ts), by the callable or the tool.
import { Timestamp } from "firebase-admin/firestore";
import { z } from "zod";

import { defineCollection } from "../core/collections.js";

export const ADMIN_AUDIT = defineCollection(
  "adminAudit",
  z.object({
    action: z.enum(["grant", "revoke", "judge", "unjudge", "publish-results"]),
    /** The competition, for judge, unjudge and publish-results. */
    competitionId: z.string().optional(),
    /**
     * The account whose role changed; for publish-results, the operator who published through the
     * callable (absent when `npm run admin` did: `by` names who ran it).
     */
    uid: z.string().optional(),
    /** The account's email (role changes only). */
    email: z.string().optional(),
    /** Whether anything changed: false for a role already held, results already published. */
    changed: z.boolean(),
    by: z.string(),
    at: z.instanceof(Timestamp),
  }),
);
