import * as path from "node:path";
import { assertEquals, assertOk } from "../../_assert.ts";
import { run } from "../../_cli.ts";

const FIX = path.join(import.meta.dirname!, "../../../fixtures");

async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(d: string) {
    for await (const e of Deno.readDir(d)) {
      const p = path.join(d, e.name);
      if (e.name === ".plxkit" && d === dir) continue; // commit records (they hold the commit time)
      if (e.isDirectory) await walk(p);
      else out[path.relative(dir, p)] = btoa(String.fromCharCode(...await Deno.readFile(p)));
    }
  }
  await walk(dir);
  return out;
}

Deno.test("CLI: plx -> parquet -> plx and plx -> jsonl.gz -> plx give the same run folders; reruns skip", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const src = path.join(FIX, "parquet/small-dataset");
    const a = await run("convert", src, "--to", "plx", "--out", path.join(dir, "runs"));
    assertEquals(a.code, 0, a.err);
    const b = await run("convert", path.join(dir, "runs"), "--to", "parquet", "--out", path.join(dir, "pq"));
    assertEquals([b.code, b.out.trim()], [
      0,
      // (the run records and assets of each run are carried under _assets/<run>/)
      "2 runs: 2 ok, 0 failed, 0 already done; 20 events written; 4 files carried; 0 unreadable lines or files",
    ]);
    const again = await run(
      "convert",
      path.join(dir, "runs"),
      "--to",
      "parquet",
      "--out",
      path.join(dir, "pq"),
    );
    assertOk(again.out.includes("2 already done"), again.out);
    assertEquals(
      (await run("convert", path.join(dir, "pq"), "--to", "plx", "--out", path.join(dir, "back"))).code,
      0,
    );
    const j = await run(
      "convert",
      path.join(dir, "runs"),
      "--to",
      "jsonl",
      "--out",
      path.join(dir, "all.jsonl.gz"),
    );
    assertEquals(j.code, 0, j.err);
    assertEquals(
      (await run("convert", path.join(dir, "all.jsonl.gz"), "--to", "plx", "--out", path.join(dir, "back2")))
        .code,
      0,
    );
    const want = await tree(path.join(dir, "runs"));
    assertEquals(await tree(path.join(dir, "back")), want);
    assertEquals(await tree(path.join(dir, "back2")), want);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("CLI: bad settings are usage errors (exit 2); a bad JSONL line exits 1 naming file and line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const src = path.join(FIX, "jsonl/small.jsonl");
    const bad = await run(
      "convert",
      src,
      "--to",
      "parquet",
      "--out",
      path.join(dir, "pq"),
      "--set",
      "row_group_rows=0",
    );
    assertEquals(bad.code, 2);
    assertOk(bad.err.includes("--set row_group_rows: must be an integer from 1 to"), bad.err);
    for (
      const [set, says] of [["compression=snappy", "no longer offered"], [
        "encoder=wasm",
        'unknown setting "encoder"',
      ]]
    ) {
      const r = await run("convert", src, "--to", "parquet", "--out", path.join(dir, "pq"), "--set", set);
      assertEquals(r.code, 2, set);
      assertOk(r.err.includes(says), r.err);
    }
    const shard = await run(
      "convert",
      src,
      "--to",
      "jsonl",
      "--out",
      path.join(dir, "x.jsonl"),
      "--shard",
      "1/2",
    );
    assertEquals(shard.code, 2);
    const lines = (await Deno.readTextFile(src)).split("\n");
    lines.splice(3, 0, '{"run":"aaaa1111","scope":"events"}');
    await Deno.writeTextFile(path.join(dir, "bad.jsonl"), lines.join("\n"));
    const r = await run(
      "convert",
      path.join(dir, "bad.jsonl"),
      "--to",
      "parquet",
      "--out",
      path.join(dir, "pq2"),
    );
    assertEquals(r.code, 1);
    assertOk(r.err.includes("bad.jsonl:4: error:"), r.err);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
