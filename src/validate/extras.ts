/**
 * Validators contributed by formats other than the Polyaxon layout, tried on folders that are not
 * Polyaxon runs: TensorBoard logdirs (every folder directly holding `events.out.tfevents.*` files).
 *
 * @module
 */
import type { ValidateOptions } from "./validate.ts";
import { detectTensorboardDir } from "../formats/tensorboard/layout.ts";
import { validateTensorboardRun } from "../formats/tensorboard/source.ts";

/** Every extra validator, wired into `plxkit validate`. */
export const VALIDATE_EXTRAS: NonNullable<ValidateOptions["extra"]> = [
  {
    detectors: [detectTensorboardDir],
    validate: (
      t,
    ) => (t.type === "tensorboard" ? validateTensorboardRun(t.run.path, t.run.id) : Promise.resolve(null)),
  },
];
