// Lint rules that guard determinism and the layer boundaries (docs/ARCHITECTURE.md; tools/check_imports.mjs).
import tseslint from "typescript-eslint";

const nondeterminism = [
  { object: "Math", property: "random", message: "Use the seeded PRNG in src/base/prng.ts." },
  { object: "Date", property: "now", message: "The core must not read the wall clock." },
  { object: "performance", property: "now", message: "The core must not read the wall clock." },
];

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "ui-dist/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    files: ["src/base/**", "src/sim/**", "src/runtime/**", "src/profiles/**", "src/workloads/**", "src/observers/**", "src/gotrace/**"],
    rules: {
      "no-restricted-properties": ["error", ...nondeterminism],
      "no-restricted-syntax": ["error", { selector: "NewExpression[callee.name='Date']", message: "The core must not read the wall clock." }],
    },
  },
);
