// Who is told about alerts: a parameter (.env.<project>), so each project names its own on-call
// addresses without a code change. Locally the mails land in the console's Mailbox.
import { defineString } from "firebase-functions/params";

export const operationsParams = {
  alertEmails: defineString("ALERT_EMAILS", {
    default: "operators@malipo.local",
    description:
      "Operators emailed when an alert opens or resolves, comma-separated: ops@example.com,oncall@example.com",
  }),
};

/** The addresses in ALERT_EMAILS, trimmed, without empties or repeats. */
export function parseAlertEmails(text: string): string[] {
  return [...new Set(text.split(",").map((email) => email.trim().toLowerCase()))].filter((email) =>
    /^[^\s@]+@[^\s@]+$/.test(email),
  );
}
