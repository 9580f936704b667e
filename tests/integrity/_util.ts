/**
 * Helpers of the integrity tests: the CLI as a real process (with a deadline, optionally as an
 * unprivileged user), fixture trees, snapshots.
 *
 * @module
 */
import * as path from "node:path";

/** The CLI entry point. */
export const CLI = path.resolve(import.meta.dirname!, "../../cli.ts");
/** The fixture runs. */
export const RUNS = path.resolve(import.meta.dirname!, "../../fixtures/runs");

/** What a CLI process did. */
export interface Ran {
  code: number;
  out: string;
  err: string;
  /** True when the deadline killed it (a hang). */
  killed: boolean;
  /** Wall time in ms. */
  ms: number;
}

/** Options of {@linkcode cli}. */
export interface CliOptions {
  /** Kill the process after this many ms (a hang is a failure, not a stuck suite). @default 60000 */
  deadline?: number;
  /** Run as this uid/gid (through `setpriv`), with a private DENO_DIR. */
  uid?: number;
  /** Send this signal after `signalAfter` ms. */
  signal?: Deno.Signal;
  /** See `signal`. */
  signalAfter?: number;
}

/** `plxkit <args>` as a real process. */
export async function cli(args: string[], o: CliOptions = {}): Promise<Ran> {
  const denoArgs = ["run", "-A", "--cached-only", CLI, ...args];
  const env: Record<string, string> = { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  let cmd = Deno.execPath();
  let argv = denoArgs;
  if (o.uid !== undefined) {
    const home = await Deno.makeTempDir({ prefix: "plxkit-nobody-" });
    await Deno.chmod(home, 0o777);
    env.DENO_DIR = home;
    env.HOME = home;
    cmd = "setpriv";
    argv = [`--reuid=${o.uid}`, `--regid=${o.uid}`, "--clear-groups", Deno.execPath(), ...denoArgs];
  }
  const t0 = performance.now();
  const child = new Deno.Command(cmd, { args: argv, env, stdout: "piped", stderr: "piped" }).spawn();
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, o.deadline ?? 60_000);
  let sig: ReturnType<typeof setTimeout> | undefined;
  if (o.signal) {
    sig = setTimeout(() => {
      try {
        child.kill(o.signal!);
      } catch { /* gone */ }
    }, o.signalAfter ?? 1000);
  }
  const r = await child.output();
  clearTimeout(timer);
  if (sig !== undefined) clearTimeout(sig);
  const dec = new TextDecoder();
  return {
    code: r.code,
    out: dec.decode(r.stdout),
    err: dec.decode(r.stderr),
    killed,
    ms: performance.now() - t0,
  };
}

/** Every file under `dir` (relative path -> bytes as latin1 text), links listed as `-> target`. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string, rel: string) => {
    for await (const e of Deno.readDir(d)) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const abs = path.join(d, e.name);
      if (e.isSymlink) out[r] = `-> ${await Deno.readLink(abs)}`;
      else if (e.isDirectory) await walk(abs, r);
      else if (e.isFile) out[r] = new TextDecoder("latin1").decode(await Deno.readFile(abs));
      else out[r] = "(not a regular file)"; // (a FIFO: never opened)
    }
  };
  await walk(dir, "");
  return out;
}

/** Copies the fixture runs (or the given ones) to `dir`. */
export async function copyRuns(dir: string, ids?: string[]): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  for await (const e of Deno.readDir(RUNS)) {
    if (ids && !ids.includes(e.name)) continue;
    const p = await new Deno.Command("cp", { args: ["-r", path.join(RUNS, e.name), dir] }).output();
    if (!p.success) throw new Error("cp failed");
  }
}

/** `mkfifo path`. */
export async function mkfifo(p: string): Promise<void> {
  const r = await new Deno.Command("mkfifo", { args: [p] }).output();
  if (!r.success) throw new Error(`mkfifo ${p} failed`);
}

/** Names under `dir` (recursively) that look like temporaries or partial outputs. */
export async function leftovers(dir: string): Promise<string[]> {
  try {
    return Object.keys(await snapshot(dir)).filter((k) => /(^|\/)\.plxkit-|\.partial|\.tmp$/.test(k));
  } catch {
    return [];
  }
}

/** Whether uid 65534 (nobody) exists and `setpriv` can run a process as it. */
export async function canDropPrivileges(): Promise<boolean> {
  if (Deno.uid?.() !== 0) return false;
  try {
    const r = await new Deno.Command("setpriv", {
      args: ["--reuid=65534", "--regid=65534", "--clear-groups", "true"],
      stderr: "null",
    }).output();
    return r.success;
  } catch {
    return false;
  }
}
