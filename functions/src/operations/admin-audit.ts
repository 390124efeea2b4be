// adminAudit/{id}: every role change made with `npm run admin` (tools/admin.ts), for operators:
// the admin claim granted or revoked, a judge appointed to or removed from a competition; and
// every write the operator console makes (a mail's delivery retried, operations/retry-mail.ts).
import { Timestamp } from "firebase-admin/firestore";
import { z } from "zod";

import { defineCollection } from "../core/collections.js";

export const ADMIN_AUDIT = defineCollection(
  "adminAudit",
  z.object({
    action: z.enum(["grant", "revoke", "judge", "unjudge", "retry-mail"]),
    /** The competition, for judge and unjudge. */
    competitionId: z.string().optional(),
    /** The mail, and its delivery state before the retry, for retry-mail. */
    mailId: z.string().optional(),
    previousState: z.string().optional(),
    uid: z.string(),
    email: z.string(),
    changed: z.boolean(),
    by: z.string(),
    at: z.instanceof(Timestamp),
  }),
);
