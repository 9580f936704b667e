/**
 * The environment snapshot of `outputs/env.json`: traceml's `get_run_env()` keys where they mean something
 * in Deno (`python_version*` become `runtime_version*`; no `packages`).
 *
 * @module
 */
import * as path from "node:path";
import { userInfo } from "node:os";

/** The client version written to `outputs/env.json`. */
export const CLIENT_VERSION = "0.1.0";

function safe<T>(f: () => T, d: T): T {
  try {
    return f();
  } catch {
    return d;
  }
}

/**
 * The OS user as Python's `getpass.getuser()` finds it: `LOGNAME`, `USER`, `LNAME`, `USERNAME`, then the
 * password database, else `unknown` (traceml's `get_user`).
 */
export function osUser(): string {
  for (const k of ["LOGNAME", "USER", "LNAME", "USERNAME"]) {
    const v = safe(() => Deno.env.get(k), undefined);
    if (v) return v;
  }
  return safe(() => userInfo().username, "unknown");
}

/** The snapshot, keys in traceml's order (`pid` an int, as `os.getpid()`). */
export function runEnv(): Record<string, unknown> {
  return {
    pid: Deno.pid,
    hostname: safe(() => Deno.hostname(), ""),
    os: `${Deno.build.os}-${safe(() => Deno.osRelease(), "")}-${Deno.build.arch}`,
    system: Deno.build.os === "linux" ? "Linux" : Deno.build.os === "darwin" ? "Darwin" : Deno.build.os,
    runtime_version_verbose:
      `deno ${Deno.version.deno} (v8 ${Deno.version.v8}, typescript ${Deno.version.typescript})`,
    runtime_version: Deno.version.deno,
    user: osUser(),
    "sys.argv": [Deno.mainModule, ...Deno.args],
    is_notebook: false,
    filename: path.basename(Deno.mainModule),
    module_path: Deno.mainModule,
  };
}
