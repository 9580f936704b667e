/**
 * 17.4 Concurrent writers: two real `cli.ts convert` processes started at once into one --out. The second
 * waits for the first (output lock, io/commit.ts), then finds every run done: the output is exactly that of
 * one conversion, for every target format.
 */
import { assertEquals, assertOk } from "../_assert.ts";
import { cli, copyRuns, leftovers, snapshot } from "./_util.ts";

async function bigTree(dir: string, copies: number): Promise<void> {
  await copyRuns(`${dir}/seed`);
  for (let i = 0; i < copies; i++) {
    for (const e of Deno.readDirSync(`${dir}/seed`)) {
      const id = `${e.name.slice(0, 24)}${String(i).padStart(8, "0")}`;
      await new Deno.Command("cp", { args: ["-r", `${dir}/seed/${e.name}`, `${dir}/src/${id}`] }).output();
    }
  }
}

/** A snapshot with the commit records' times masked (they say when, not what, was committed). */
function masked(snap: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(snap)) {
    out[k] = k.includes(".plxkit/commits/")
      ? v.replace(/"(committed|accepted)At": "[^"]*"/g, '"$1At": "-"')
      : v;
  }
  return out;
}

/** Lines of every JSONL file under `dir` (a conversion of the output back to JSONL), sorted. */
async function content(dir: string, from: string, root: string, tag: string): Promise<string[]> {
  const r = await cli(["convert", dir, "--from", from, "--to", "jsonl", "--out", `${root}/back-${tag}`]);
  assertEquals(r.code, 0, r.out + r.err);
  const lines: string[] = [];
  for (const [k, v] of Object.entries(await snapshot(`${root}/back-${tag}`))) {
    if (k.endsWith(".jsonl")) lines.push(...v.split("\n").filter((l) => l));
  }
  return lines.sort();
}

Deno.test("two conversions into one --out at once: the second waits, the output is that of one", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/src`);
    await bigTree(root, 5);
    let waited = 0;
    for (const to of ["plx", "tensorboard", "jsonl", "parquet"]) {
      const ref = `${root}/ref-${to}`;
      assertEquals((await cli(["convert", `${root}/src`, "--to", to, "--out", ref])).code, 0);
      const out = `${root}/out-${to}`;
      const [a, b] = await Promise.all([
        cli(["convert", `${root}/src`, "--to", to, "--out", out]),
        cli(["convert", `${root}/src`, "--to", to, "--out", out]),
      ]);
      assertEquals([a.code, b.code], [0, 0], `${to}: ${a.out}${a.err}\n${b.out}${b.err}`);
      if (/waiting for it to finish/.test(a.err + b.err)) waited++;
      // One did the work, the other found every run done.
      const done = [a.out, b.out].filter((o) => / 0 ok, 0 failed, 20 already done/.test(o)).length;
      const did = [a.out, b.out].filter((o) => /20 ok, 0 failed, 0 already done/.test(o)).length;
      assertEquals([did, done], [1, 1], `${to}: ${a.out}\n${b.out}`);
      assertEquals(await leftovers(out), [], to);
      assertEquals(Object.keys(await snapshot(out)).filter((k) => k.includes(".plxkit-lock")), [], to);
      if (to === "plx" || to === "jsonl") {
        assertEquals(masked(await snapshot(out)), masked(await snapshot(ref)), to);
      } else {assertEquals(
          await content(out, to, root, `o-${to}`),
          await content(ref, to, root, `r-${to}`),
          to,
        );}
    }
    console.log(`the second process waited in ${waited} of 4 formats`);
    assertOk(waited >= 1, "the two processes never overlapped: the test did not test the lock");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("shard workers share one --out; a whole conversion waits for them", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/src`);
    await bigTree(root, 3);
    const out = `${root}/out`;
    const rs = await Promise.all([
      cli(["convert", `${root}/src`, "--to", "parquet", "--out", out, "--shard", "1/2"]),
      cli(["convert", `${root}/src`, "--to", "parquet", "--out", out, "--shard", "2/2"]),
      cli(["convert", `${root}/src`, "--to", "parquet", "--out", out]),
    ]);
    for (const r of rs) assertEquals(r.code, 0, r.out + r.err);
    const ref = `${root}/ref`;
    assertEquals((await cli(["convert", `${root}/src`, "--to", "parquet", "--out", ref])).code, 0);
    assertEquals(await content(out, "parquet", root, "o"), await content(ref, "parquet", root, "r"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
