// How a PIN is stored: scrypt (memory-hard, so guessing the 10^4..10^6 PINs of a stolen document
// costs memory as well as time) over HMAC-SHA256(pepper, PIN), with a random salt per PIN. The
// pepper (PIN_PEPPER) lives in Secret Manager, not in Firestore, so a copy of the database alone
// cannot even start guessing. The parameters are stored with each hash and verification uses the
// stored ones, so SCRYPT can be raised for new PINs while older ones still verify.
import { createHmac, randomBytes, scrypt, type ScryptOptions } from "node:crypto";

import { secrets } from "../core/config.js";
import { constantTimeEqual } from "../shared/hashing.js";

export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly keyLength: number;
}

/**
 * N = 2^14, r = 8, p = 1: 128 * N * r = 16 MiB of memory per hash and about 50-70 ms of one core
 * (measured on a shared 2-core machine; 2^15 took over 130 ms, 2^13 about 30 ms). An instance
 * needs 16 MiB more for every verification it runs at once.
 */
export const SCRYPT: ScryptParams = { N: 2 ** 14, r: 8, p: 1, keyLength: 32 };

const SALT_BYTES = 16;
/** A pepper shorter than this is a configuration mistake, not a secret. */
const MIN_PEPPER_LENGTH = 16;

export interface StoredHash {
  readonly hash: string;
  readonly salt: string;
  readonly kdf: ScryptParams & { readonly name: "scrypt" };
}

/** The pepper, read at call time; functions that verify PINs list PIN_SECRETS. */
export function pinPepper(): string {
  const value = secrets.pinPepper.value();
  if (value.length < MIN_PEPPER_LENGTH) {
    throw new Error(
      `PIN_PEPPER is missing or shorter than ${MIN_PEPPER_LENGTH} characters: list PIN_SECRETS on the function and set the secret.`,
    );
  }
  return value;
}

function derive(pin: string, salt: string, pepper: string, params: ScryptParams): Promise<string> {
  const peppered = createHmac("sha256", pepper).update(pin).digest();
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => {
    scrypt(peppered, Buffer.from(salt, "base64"), params.keyLength, options, (error, key) => {
      if (error) reject(error);
      else resolve(key.toString("base64"));
    });
  });
}

export async function hashPin(pin: string, pepper: string, params: ScryptParams = SCRYPT): Promise<StoredHash> {
  const salt = randomBytes(SALT_BYTES).toString("base64");
  return { hash: await derive(pin, salt, pepper, params), salt, kdf: { name: "scrypt", ...params } };
}

export async function pinMatches(pin: string, stored: StoredHash, pepper: string): Promise<boolean> {
  return constantTimeEqual(await derive(pin, stored.salt, pepper, stored.kdf), stored.hash);
}
