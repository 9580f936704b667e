/**
 * Fault injection for conversions into the Polyaxon layout: SIGKILL at random points, a full disk, a
 * read-only output folder.
 */
import { assertEquals, assertOk } from "../_assert.ts";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;

async function makeTree(root: string, runs: number, rows: number): Promise<void> {
  for (let r = 0; r < runs; r++) {
    const id = `run${String(r).padStart(3, "0")}`;
    for (const name of ["loss", "acc", "lr"]) {
      const dir = `${root}/${id}/events/metric`;
      await Deno.mkdir(dir, { recursive: true });
      let s = "step|timestamp|metric";
      for (let i = 0; i < rows; i++) {
        s += `\n${i}|2025-03-01 09:15:${String(i % 60).padStart(2, "0")}.${
          String(i).padStart(6, "0")
        }+00:00|${(i + r) / 7}`;
      }
      await Deno.writeTextFile(`${dir}/${name}.plx`, s);
    }
    await Deno.mkdir(`${root}/${id}/events/text`, { recursive: true });
    await Deno.writeTextFile(
      `${root}/${id}/events/text/t.plx`,
      `\n{"timestamp": "2025-03-01 09:15:02+00:00", "step": 1, "text": "run ${r}"}`,
    );
  }
}

async function convert(
  src: string,
  out: string,
  to = "plx",
): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "convert", src, "--to", to, "--out", out],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: p.code, stdout: dec.decode(p.stdout), stderr: dec.decode(p.stderr) };
}

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string, rel: string) => {
    for await (const e of Deno.readDir(d)) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (r === ".plxkit") continue; // commit records (they hold the commit time)
      if (e.isDirectory) await walk(`${d}/${e.name}`, r);
      else out[r] = await Deno.readTextFile(`${d}/${e.name}`);
    }
  };
  await walk(dir, "");
  return out;
}

Deno.test("SIGKILL at random points leaves complete runs or nothing, and a rerun completes identically", async () => {
  const root = await Deno.makeTempDir();
  await makeTree(`${root}/src`, 24, 4000);
  assertEquals((await convert(`${root}/src`, `${root}/ref`)).code, 0);
  const ref = await snapshot(`${root}/ref`);
  for (const delay of [150, 400, 900]) {
    const out = `${root}/out-${delay}`;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, "convert", `${root}/src`, "--to", "plx", "--out", out],
      stdout: "null",
      stderr: "null",
    }).spawn();
    await new Promise((r) => setTimeout(r, delay));
    try {
      child.kill("SIGKILL");
    } catch { /* already done */ }
    await child.status;
    // Whatever is visible under a run's real name is complete.
    try {
      for await (const e of Deno.readDir(out)) {
        if (e.name.startsWith(".")) continue;
        const got = await snapshot(`${out}/${e.name}`);
        const want = Object.fromEntries(
          Object.entries(ref).filter(([k]) => k.startsWith(e.name + "/")).map((
            [k, v],
          ) => [k.slice(e.name.length + 1), v]),
        );
        assertEquals(got, want, `run ${e.name} after a kill at ${delay} ms`);
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    const again = await convert(`${root}/src`, out);
    assertEquals(again.code, 0, again.stderr);
    const snap = await snapshot(out);
    assertEquals(Object.keys(snap).filter((k) => k.startsWith(".")), []);
    assertEquals(snap, ref);
  }
  await Deno.remove(root, { recursive: true });
});

async function mountTmpfs(dir: string, opts: string): Promise<boolean> {
  await Deno.mkdir(dir, { recursive: true });
  try {
    const p = await new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", opts, "tmpfs", dir],
      stderr: "null",
    }).output();
    return p.success;
  } catch {
    return false;
  }
}

async function umount(dir: string): Promise<void> {
  await new Deno.Command("umount", { args: [dir], stderr: "null" }).output().catch(() => {});
}

const canMount = Deno.uid?.() === 0;

Deno.test({
  name: "a full disk gives a clear error and exit 1, and leaves no half-written run",
  ignore: !canMount,
  fn: async () => {
    const root = await Deno.makeTempDir();
    await makeTree(`${root}/src`, 3, 3000);
    const mnt = `${root}/full`;
    if (!(await mountTmpfs(mnt, "size=96k"))) return;
    // Leave about 12 KiB free: less than any of the outputs needs, even compressed Parquet.
    await Deno.writeFile(`${mnt}/filler`, new Uint8Array(84 * 1024)).catch(() => {});
    try {
      for (
        const [to, out] of [["plx", "out"], ["tensorboard", "tb"], ["jsonl", "j.jsonl"], ["parquet", "pq"]]
      ) {
        const r = await convert(`${root}/src`, `${mnt}/${out}`, to);
        assertEquals(r.code, 1, `${to}: ${r.stdout}${r.stderr}`);
        assertOk(/No space left on device/.test(r.stdout + r.stderr), `${to}: ${r.stdout}${r.stderr}`);
        assertOk(!/\bat .*\.ts:\d+/.test(r.stderr), r.stderr);
        await Deno.remove(`${mnt}/${out}`, { recursive: true }).catch(() => {});
      }
      const r = await convert(`${root}/src`, `${mnt}/out`);
      for await (const e of Deno.readDir(`${mnt}/out`)) {
        assertOk(!e.name.startsWith(".") || e.name === ".plxkit", `left ${e.name}`);
      }
      assertEquals(r.code, 1);
    } finally {
      await umount(mnt);
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "a read-only output folder gives a clear error and exit 1",
  ignore: !canMount,
  fn: async () => {
    const root = await Deno.makeTempDir();
    await makeTree(`${root}/src`, 2, 10);
    const mnt = `${root}/ro`;
    if (!(await mountTmpfs(mnt, "ro,size=64k"))) return;
    try {
      for (
        const [to, out] of [["plx", "out"], ["tensorboard", "tb"], ["jsonl", "j.jsonl"], ["parquet", "pq"]]
      ) {
        const r = await convert(`${root}/src`, `${mnt}/${out}`, to);
        assertEquals(r.code, 1, `${to}: ${r.stdout}${r.stderr}`);
        assertOk(/Read-only file system/.test(r.stdout + r.stderr), `${to}: ${r.stdout}${r.stderr}`);
        assertOk(!/\bat .*\.ts:\d+/.test(r.stderr), r.stderr);
      }
    } finally {
      await umount(mnt);
      await Deno.remove(root, { recursive: true });
    }
  },
});
