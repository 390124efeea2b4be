import js from "@eslint/js";
import type { Linter } from "eslint";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

function onlyPortsAndShared(up: string): Linter.RulesRecord {
  const message = "providers/ imports only its own ports and shared/.";
  return {
    "no-restricted-imports": [
      "error",
      { patterns: [{ group: [`${up}*`, `!${up}shared`, `!${up}shared/*`], message }] },
    ],
  };
}

export default defineConfig(
  globalIgnores(["**/node_modules/", "functions/lib/", "hosting/dist/", "test-results/"]),
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      // An empty environment variable means "unset", so `||` is the intended operator for strings.
      "@typescript-eslint/prefer-nullish-coalescing": ["error", { ignorePrimitives: { string: true } }],
      // `return respond(...)` as an early exit from a void function reads clearly.
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreVoidReturningFunctions: true }],
      // Omitting a field by destructuring it next to `...rest` is the idiom for "all but".
      "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true }],
      "no-console": "off",
    },
  },
  {
    // Typed Firestore access (functions/src/core/collections.ts): documents are read through a
    // collection's schema-backed converter, never by casting a field, and collections are named
    // once, in their declaration.
    files: ["functions/src/**/*.ts", "tools/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "TSAsExpression > CallExpression[callee.property.name='get'][arguments.0.type='Literal']",
          message:
            "Read the document through its collection's converter (core/collections.ts) instead of casting a field.",
        },
        {
          selector: "CallExpression[callee.property.name=/^(collection|collectionGroup)$/][arguments.0.type='Literal']",
          message:
            "Name collections once, with defineCollection (core/collections.ts), and use SPEC.ref(db) / SPEC.under(parent).",
        },
      ],
    },
  },
  // Adapters depend only on their ports (providers/*.ts) and the shared primitives, never on a
  // feature or the edge, so a provider can be swapped without touching what uses it.
  { files: ["functions/src/providers/*.ts"], ignores: ["**/*.test.ts"], rules: onlyPortsAndShared("../") },
  { files: ["functions/src/providers/*/*.ts"], ignores: ["**/*.test.ts"], rules: onlyPortsAndShared("../../") },
  {
    // Tests assert on values they have just checked; non-null assertions keep them readable, and
    // vitest's asymmetric matchers (expect.stringContaining, ...) are typed `any`.
    files: ["**/*.test.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
    },
  },
);
