// Free text people type (names, titles, descriptions, reasons, comments) is shown to other people:
// on pages, in emails, to operators. Control characters (NUL, BEL, escape sequences) and the
// Unicode bidirectional controls (which can make "gpj.exe" read as "exe.jpg", or reverse an amount
// on screen) have no place in it, so every free-text field refuses them with one refinement.
import type { z } from "zod";

/**
 * C0 and C1 controls and DEL (\p{Cc}); multi-line text keeps line feeds, carriage returns and
 * tabs. Then the bidirectional formatting characters: the embeddings and overrides (U+202A-U+202E),
 * the isolates (U+2066-U+2069), the marks (U+200E, U+200F, U+061C). Other format characters
 * (the zero-width joiner in emoji sequences, U+200D) are ordinary in names and stay allowed.
 */
const SINGLE_LINE_CONTROL = /\p{Cc}/u;
const MULTI_LINE_CONTROL = /[^\P{Cc}\n\r\t]/u;
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u;

/** Whether `text` is free of the characters above ("" and ordinary text are). */
export function isCleanText(text: string, options: { multiline?: boolean } = {}): boolean {
  const control = options.multiline ? MULTI_LINE_CONTROL : SINGLE_LINE_CONTROL;
  return !control.test(text) && !BIDI_CONTROL.test(text);
}

/**
 * The shared refinement: `cleanText(z.string().trim().min(1).max(100))`. The message names what
 * is wrong, so a page can show it as it is.
 */
export function cleanText<Schema extends z.ZodType<string>>(
  schema: Schema,
  options: { multiline?: boolean } = {},
): Schema {
  return schema.refine((text) => isCleanText(text, options), {
    message: options.multiline
      ? "must not contain control characters (other than line breaks and tabs) or text-direction overrides"
      : "must not contain control characters, line breaks or text-direction overrides",
  });
}
