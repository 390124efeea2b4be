// What a page says when a call fails: callable errors carry a readable message from the server
// (AppError at the functions' edge); anything else, including `internal`, gets a generic one.
export function messageOf(error: unknown): string {
  if (
    error instanceof Error &&
    "code" in error &&
    typeof error.code === "string" &&
    error.code !== "functions/internal"
  ) {
    return error.message;
  }
  return "Something went wrong. Check your connection and try again.";
}
