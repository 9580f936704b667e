/**
 * Validators contributed by formats other than the Polyaxon layout (e.g. TensorBoard logdirs), tried on
 * folders that are not Polyaxon runs.
 *
 * @module
 */
import type { ValidateOptions } from "./validate.ts";

/** Every extra validator, wired into `plxkit validate`. */
export const VALIDATE_EXTRAS: NonNullable<ValidateOptions["extra"]> = [];
