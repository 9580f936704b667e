/**
 * fast-check for the tests. With `PLXKIT_FC_SEED` set (CI sets it), every property runs from that seed, so a
 * CI run is reproducible; without it each run explores new cases (a failure prints its seed to replay).
 *
 * @module
 */
import { fc as fastCheck } from "./_deps.ts";

const seed = Deno.env.get("PLXKIT_FC_SEED");
if (seed !== undefined && seed !== "") fastCheck.configureGlobal({ seed: Number(seed) });

export default fastCheck;
