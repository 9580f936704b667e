/**
 * A validation worker for {@linkcode validatePaths} with `jobs > 1`: validates one discovered target per
 * message, with the built-in extra validators (TensorBoard logdirs).
 *
 * @module
 */
import { serveTasks } from "../io/pool.ts";
import type { Diagnostic } from "../diagnostics.ts";
import type { Target } from "../model/layout.ts";
import { VALIDATE_EXTRAS } from "./extras.ts";
import { type TargetResult, type ValidateOptions, validateTarget } from "./validate.ts";

serveTasks<{ target: Target | Diagnostic; options: ValidateOptions }, TargetResult>(({ target, options }) =>
  validateTarget(target, { ...options, extra: VALIDATE_EXTRAS })
);
