import { describe, expect, it } from "vitest";

import { decodeCloudEvent, isBase64, isFirestoreTrigger, triggerRegistration } from "./cloudevent.ts";

const binaryHeaders = {
  "ce-specversion": "1.0",
  "ce-id": "event-1",
  "ce-type": "google.cloud.firestore.document.v1.written",
  "ce-source": "//firestore.googleapis.com/projects/demo-malipo/databases/(default)",
  "ce-document": "payments/p1",
  "ce-database": "(default)",
  "content-type": "application/protobuf",
};
// DocumentEventData { value: Document { name: "x" } }: field 1 (0x0a), length 3, then Document
// field 1 (0x0a), length 1, "x".
const rawProtobuf = Buffer.from([0x0a, 0x03, 0x0a, 0x01, 0x78]);

describe("decodeCloudEvent", () => {
  it("lifts the ce-* headers into attributes and keeps a raw protobuf body as bytes", () => {
    const event = decodeCloudEvent(binaryHeaders, rawProtobuf);
    expect(event).toMatchObject({
      specversion: "1.0",
      id: "event-1",
      type: "google.cloud.firestore.document.v1.written",
      document: "payments/p1",
      database: "(default)",
      datacontenttype: "application/protobuf",
    });
    expect(Buffer.isBuffer(event.data)).toBe(true);
    expect(event.data).toEqual(rawProtobuf);
  });

  it("decodes the base64 body the Firestore emulator sends to the same bytes", () => {
    const event = decodeCloudEvent(binaryHeaders, Buffer.from(rawProtobuf.toString("base64"), "ascii"));
    expect(event.data).toEqual(rawProtobuf);
  });

  it("parses JSON data and structured-mode events", () => {
    const json = decodeCloudEvent(
      { ...binaryHeaders, "content-type": "application/json; charset=utf-8" },
      Buffer.from('{"value":{"name":"x"}}'),
    );
    expect(json.data).toEqual({ value: { name: "x" } });
    expect(json.datacontenttype).toBe("application/json");
    const structured = decodeCloudEvent(
      { "content-type": "application/cloudevents+json" },
      Buffer.from(JSON.stringify({ specversion: "1.0", id: "e2", type: "t", source: "s", data: { a: 1 } })),
    );
    expect(structured).toMatchObject({ id: "e2", data: { a: 1 } });
  });

  it("refuses a request without the required ce-* attributes", () => {
    expect(() => decodeCloudEvent({ "content-type": "application/protobuf", "ce-id": "x" }, rawProtobuf)).toThrow(
      /ce-\* headers missing/,
    );
  });
});

describe("isBase64", () => {
  it("tells base64 text from raw DocumentEventData", () => {
    expect(isBase64(Buffer.from("CgMKAXg=", "ascii"))).toBe(true);
    expect(isBase64(rawProtobuf)).toBe(false);
    expect(isBase64(Buffer.from([0x12, 0x41, 0x41, 0x41]))).toBe(false);
    expect(isBase64(Buffer.alloc(0))).toBe(false);
  });
});

describe("triggerRegistration", () => {
  it("registers a path pattern as firebase-tools does for a v2 Firestore trigger", () => {
    const trigger = {
      eventType: "google.cloud.firestore.document.v1.written",
      eventFilters: { database: "(default)", namespace: "(default)" },
      eventFilterPathPatterns: { document: "payments/{paymentId}" },
    };
    expect(isFirestoreTrigger(trigger)).toBe(true);
    expect(triggerRegistration("demo-malipo", "africa-south1-onPaymentWritten", trigger)).toEqual({
      path: "/emulator/v1/projects/demo-malipo/eventarcTrigger?eventarcTriggerId=africa-south1-onPaymentWritten",
      body: {
        eventType: "google.cloud.firestore.document.v1.written",
        database: "(default)",
        namespace: "(default)",
        document: { value: "payments/{paymentId}", matchType: "PATH_PATTERN" },
      },
    });
  });

  it("registers an exact document, and refuses a trigger without database or document", () => {
    const exact = triggerRegistration("p", "k", {
      eventType: "google.cloud.firestore.document.v1.created",
      eventFilters: { database: "(default)", namespace: "(default)", document: "config/main" },
    });
    expect(exact.body.document).toEqual({ value: "config/main", matchType: "EXACT" });
    expect(() => triggerRegistration("p", "k", { eventType: "x", eventFilters: { namespace: "(default)" } })).toThrow(
      /database/,
    );
    expect(() =>
      triggerRegistration("p", "k", {
        eventType: "x",
        eventFilters: { database: "(default)", namespace: "(default)" },
      }),
    ).toThrow(/document/);
    expect(isFirestoreTrigger({ eventType: "google.cloud.pubsub.topic.v1.messagePublished" })).toBe(false);
  });
});
