// Typed Firestore access. Every collection is declared once, by the feature that owns it, with
// defineCollection: its path and the zod schema of its documents. Reads go through a converter
// that parses with that schema, so a document that does not match fails loudly where it is read,
// and no code casts a field (`snapshot.get("x") as T` is refused by the linter). Every declared
// collection is listed in functions/src/collections.ts, and the rules test checks that list
// against its matrix, so a new collection cannot ship without rules that were tested.
import type {
  CollectionReference,
  DocumentData,
  DocumentReference,
  DocumentSnapshot,
  Firestore,
  FirestoreDataConverter,
  Query,
  QueryDocumentSnapshot,
  WithFieldValue,
} from "firebase-admin/firestore";
import type { z } from "zod";

import { FIRESTORE_STATUS, firestoreStatus } from "./errors.js";

export interface CollectionSpec<T extends DocumentData = DocumentData> {
  /**
   * Where its documents live, with a {placeholder} for each parent id: "payments",
   * "payments/{paymentId}/events".
   */
  readonly path: string;
  /** The last segment: the collection id. */
  readonly id: string;
  readonly schema: z.ZodType<T>;
  readonly converter: FirestoreDataConverter<T>;
  /** A top-level collection. */
  ref(db: Firestore): CollectionReference<T>;
  /** A subcollection, under its parent document. */
  under(parent: DocumentReference<unknown>): CollectionReference<T>;
  /** Every collection with this id, under any parent (a collection-group query). */
  group(db: Firestore): Query<T>;
}

export function defineCollection<T extends DocumentData>(path: string, schema: z.ZodType<T>): CollectionSpec<T> {
  const segments = path.split("/");
  const id = segments.at(-1) ?? path;
  const topLevel = segments.length === 1;
  const converter: FirestoreDataConverter<T> = {
    toFirestore: (data) => data,
    fromFirestore: (snapshot: QueryDocumentSnapshot) => {
      const parsed = schema.safeParse(snapshot.data());
      if (!parsed.success) {
        throw new Error(`${snapshot.ref.path} does not match the ${path} schema: ${parsed.error.message}`);
      }
      return parsed.data;
    },
  };
  return {
    path,
    id,
    schema,
    converter,
    ref(db) {
      if (!topLevel) throw new Error(`${path} is a subcollection: use under(parent)`);
      return db.collection(id).withConverter(converter);
    },
    under(parent) {
      if (topLevel) throw new Error(`${path} is a top-level collection: use ref(db)`);
      return parent.collection(id).withConverter(converter);
    },
    group(db) {
      return db.collectionGroup(id).withConverter(converter);
    },
  };
}

/**
 * Reads one document and a list of others, of another collection, at one consistent moment (one
 * getAll). The snapshots come back through each reference's own converter; only the Admin SDK's
 * typing cannot say so for mixed collections, which is why the casts live here and nowhere else.
 */
export async function getAllOf<A, B>(
  db: Firestore,
  first: DocumentReference<A>,
  rest: readonly DocumentReference<B>[],
): Promise<[DocumentSnapshot<A>, DocumentSnapshot<B>[]]> {
  const snapshots = await db.getAll(first as DocumentReference, ...(rest as readonly DocumentReference[]));
  const [head, ...tail] = snapshots;
  if (!head) throw new Error("getAll returned nothing");
  return [head as DocumentSnapshot<A>, tail as DocumentSnapshot<B>[]];
}

/** Reads documents of one collection at one consistent moment, through their converter. */
export async function getAllTyped<T>(
  db: Firestore,
  refs: readonly DocumentReference<T>[],
): Promise<DocumentSnapshot<T>[]> {
  if (refs.length === 0) return [];
  return (await db.getAll(...(refs as readonly DocumentReference[]))) as DocumentSnapshot<T>[];
}

/**
 * Creates the document unless it exists: one write whose precondition is "absent", no transaction
 * and no read. Resolves true when this call created it, false when it was there already (the same
 * effect delivered twice).
 */
export async function createOnce<T>(ref: DocumentReference<T>, data: WithFieldValue<T>): Promise<boolean> {
  try {
    await ref.create(data);
    return true;
  } catch (error) {
    if (firestoreStatus(error) === FIRESTORE_STATUS.ALREADY_EXISTS) return false;
    throw error;
  }
}
