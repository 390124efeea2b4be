// Firestore trigger plumbing the way firebase-tools does it for 2nd gen functions: the trigger is
// registered with the Firestore emulator (functionsEmulator.js getV2FirestoreAttributes, POST
// /emulator/v1/projects/<project>/eventarcTrigger?eventarcTriggerId=<key>), which then POSTs each
// event to <functions host>/functions/projects/<project>/triggers/<key> as a binary-mode
// CloudEvent: ce-* headers, the DocumentEventData protobuf as the body.

/** The part of a v2 function's __endpoint that describes a Firestore trigger. */
export interface EventTrigger {
  readonly eventType: string;
  readonly eventFilters?: Record<string, string>;
  readonly eventFilterPathPatterns?: Record<string, string>;
}

export interface TriggerRegistration {
  readonly path: string;
  readonly body: {
    readonly eventType: string;
    readonly database: string;
    readonly namespace: string;
    readonly document: { readonly value: string; readonly matchType: "EXACT" | "PATH_PATTERN" };
  };
}

export function isFirestoreTrigger(trigger: EventTrigger): boolean {
  return trigger.eventType.startsWith("google.cloud.firestore.document.v1.");
}

export function triggerRegistration(projectId: string, key: string, trigger: EventTrigger): TriggerRegistration {
  const database = trigger.eventFilters?.database;
  const namespace = trigger.eventFilters?.namespace;
  if (!database || !namespace) throw new Error(`trigger ${key} names no database or namespace`);
  const pattern = trigger.eventFilterPathPatterns?.document;
  const exact = trigger.eventFilters.document;
  const document =
    pattern !== undefined
      ? { value: pattern, matchType: "PATH_PATTERN" as const }
      : exact !== undefined
        ? { value: exact, matchType: "EXACT" as const }
        : undefined;
  if (!document) throw new Error(`trigger ${key} names no document`);
  return {
    path: `/emulator/v1/projects/${projectId}/eventarcTrigger?eventarcTriggerId=${encodeURIComponent(key)}`,
    body: { eventType: trigger.eventType, database, namespace, document },
  };
}

/** A CloudEvent as firebase-functions' v2 handlers take it (attributes plus `data`). */
export interface CloudEvent {
  readonly specversion: string;
  readonly id: string;
  readonly type: string;
  readonly source: string;
  readonly [attribute: string]: unknown;
  readonly data: unknown;
}

type Headers = Record<string, string | string[] | undefined>;

const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Base64 text, not raw protobuf: a raw DocumentEventData starts with field 1's tag (0x0a) or
 * field 2's (0x12), neither of which is a base64 character.
 */
export function isBase64(body: Buffer): boolean {
  return body.length > 0 && body.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(body.toString("latin1"));
}

/**
 * A binary-mode CloudEvent (ce-* headers; the body is the data) as the handler expects it. The
 * body is the DocumentEventData protobuf: base64 text as the Firestore emulator sends it, or raw
 * bytes as Eventarc does; a structured-mode event (application/cloudevents+json) is parsed whole.
 */
export function decodeCloudEvent(headers: Headers, body: Buffer): CloudEvent {
  const contentType = header(headers, "content-type") ?? "";
  if (contentType.startsWith("application/cloudevents+json")) {
    const event = JSON.parse(body.toString("utf8")) as Partial<CloudEvent>;
    if (!event.id || !event.type || !event.source || !event.specversion) throw new Error("incomplete CloudEvent");
    return event as CloudEvent;
  }
  const attributes: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value = header(headers, name);
    if (name.startsWith("ce-") && value !== undefined) attributes[name.slice(3)] = value;
  }
  const { specversion, id, type, source } = attributes;
  if (!specversion || !id || !type || !source) throw new Error("not a binary-mode CloudEvent: ce-* headers missing");
  if (contentType !== "") attributes.datacontenttype = contentType.split(";")[0]?.trim() ?? contentType;
  const bytes = isBase64(body) ? Buffer.from(body.toString("ascii"), "base64") : body;
  const data: unknown =
    attributes.datacontenttype === "application/json" ? (JSON.parse(bytes.toString("utf8")) as unknown) : bytes;
  return { ...attributes, specversion, id, type, source, data };
}
