// Asserting that an in-process call is refused the way a user would be told.
import { AppError } from "../../functions/src/core/errors.ts";

/** The AppError an attempt was refused with (an attempt that succeeds fails the test). */
export async function refusal(attempt: Promise<unknown>): Promise<AppError> {
  try {
    await attempt;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}
