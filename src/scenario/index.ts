// Scenario files, with ajv loaded: what the web UI, the tests and library users import (core.ts is
// the same without loading ajv up front, for the CLI's start-up).
import { Ajv } from "ajv";
import { useAjv } from "./load.js";

useAjv(() => Ajv);

export * from "./core.js";
