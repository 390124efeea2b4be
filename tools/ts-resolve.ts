// node --import ./tools/ts-resolve.ts script.ts
// Lets Node's type stripping run code written for TypeScript's NodeNext resolution (the functions
// codebase), whose relative imports name the emitted ./x.js: when that file does not exist, the
// ./x.ts source is loaded instead. Used by every npm script that runs tools/ (the launcher seeds fee rules and writes the admin
// audit through the functions' own declarations) and by the benchmark.
import { registerHooks } from "node:module";

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      const notFound = (error as { code?: unknown }).code === "ERR_MODULE_NOT_FOUND";
      if (notFound && specifier.startsWith(".") && specifier.endsWith(".js")) {
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      }
      throw error;
    }
  },
});
