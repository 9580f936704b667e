/**
 * Exit handling of open runs: flush and end them on `unload`, SIGINT and SIGTERM.
 *
 * @module
 */

/** What the exit handlers need of a run. */
export interface EndableRun {
  endSync(): void;
  end(status: string, condition: { reason?: string; message?: string }): Promise<void>;
}

/** Runs still open, ended by the exit handlers. */
export const OPEN_RUNS = new Set<EndableRun>();
let handlersInstalled = false;

/**
 * Installs (once) the `unload` handler that ends open runs as `succeeded`, and the SIGINT/SIGTERM handlers
 * that end them as `failed` (reason = the signal) and then re-raise the signal.
 */
export function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  globalThis.addEventListener("unload", () => {
    for (const run of [...OPEN_RUNS]) {
      try {
        run.endSync();
      } catch { /* nothing more can be done while exiting */ }
    }
  });
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    const handler = async () => {
      const runs = [...OPEN_RUNS];
      const ending = Promise.all(
        runs.map((r) => r.end("failed", { reason: sig, message: `Received ${sig}` })),
      );
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise((r) => timer = setTimeout(r, 5000));
      await Promise.race([ending.catch(() => {}), timeout]);
      clearTimeout(timer);
      Deno.removeSignalListener(sig, handler);
      Deno.kill(Deno.pid, sig); // the default action (termination) now that our listener is gone
    };
    try {
      Deno.addSignalListener(sig, handler);
    } catch { /* platform without this signal */ }
  }
}
