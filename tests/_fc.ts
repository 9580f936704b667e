/**
 * fast-check for the tests. With `PLXKIT_FC_SEED` set (CI sets it), every property runs from that seed, so a
 * CI run is reproducible; without it each run explores new cases (a failure prints its seed to replay).
 *
 * @module
 */
import fastCheck from "fast-check";

const seed = Deno.env.get("PLXKIT_FC_SEED");
if (seed !== undefined && seed !== "") fastCheck.configureGlobal({ seed: Number(seed) });

export { default } from "fast-check";
