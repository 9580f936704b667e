/**
 * 17.1 Writing where it must not: --out through links into inputs, links inside --out, empty --out,
 * existing files, reserved temporary names.
 */
import * as path from "node:path";
import { runUuid } from "../../src/convert/carry.ts";
import { assertEquals, assertOk } from "../_assert.ts";
import { cli, copyRuns, leftovers, RUNS, snapshot } from "./_util.ts";

const RUN = "2b3c4d5e6f7a48099b0c1d2e3f4a5b6c";

Deno.test("--out through a link into an input, or equal to an input's JSONL sidecar, is a usage error", async () => {
  const root = await Deno.makeTempDir();
  try {
    await copyRuns(`${root}/in`, [RUN]);
    await Deno.symlink(`${root}/in`, `${root}/L`);
    const before = await snapshot(`${root}/in`);
    const a = await cli(["convert", `${root}/in`, "--to", "plx", "--out", `${root}/L/out`]);
    assertEquals(a.code, 2, a.err);
    assertOk(/inside the input .* through a link/.test(a.err), a.err);
    assertEquals(await snapshot(`${root}/in`), before);
    // A JSONL input: its sidecar folder is part of the input.
    assertEquals((await cli(["convert", `${root}/in`, "--to", "jsonl", "--out", `${root}/x.jsonl`])).code, 0);
    const b = await cli(["convert", `${root}/x.jsonl`, "--to", "plx", "--out", `${root}/x.assets`]);
    assertEquals(b.code, 2, b.err);
    assertOk(b.err.includes("sidecar"), b.err);
    const c = await cli(["convert", `${root}/x.jsonl`, "--to", "plx", "--out", `${root}/x.assets/r`]);
    assertEquals(c.code, 2, c.err);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test('--out "" is a usage error, nothing is written to the working folder', async () => {
  const r = await cli(["convert", RUNS, "--to", "plx", "--out", ""]);
  assertEquals(r.code, 2, r.err);
  assertOk(r.err.includes("--out is empty"), r.err);
});

Deno.test("links already inside --out are never written through", async () => {
  const root = await Deno.makeTempDir();
  try {
    await copyRuns(`${root}/in`, [RUN, "0f3c2b1a9d8e4f6a8b7c6d5e4f3a2b1c"]);
    await Deno.mkdir(`${root}/elsewhere`);
    // plx: a run folder that is a link.
    await Deno.mkdir(`${root}/o1`);
    await Deno.symlink(`${root}/elsewhere`, `${root}/o1/${RUN}`);
    const a = await cli(["convert", `${root}/in`, "--to", "plx", "--out", `${root}/o1`]);
    assertEquals(a.code, 1, a.out + a.err);
    assertOk(a.out.includes("symbolic link"), a.out);
    // TensorBoard: the run folder is a link.
    await Deno.mkdir(`${root}/o2`);
    await Deno.symlink(`${root}/elsewhere`, `${root}/o2/${RUN}`);
    const b = await cli(["convert", `${root}/in`, "--to", "tensorboard", "--out", `${root}/o2`]);
    assertEquals(b.code, 1, b.out + b.err);
    // JSONL folder mode: <stem>.assets is a link.
    await Deno.mkdir(`${root}/o3`);
    await Deno.symlink(`${root}/elsewhere`, `${root}/o3/0f3c2b1a9d8e4f6a8b7c6d5e4f3a2b1c.assets`);
    const c = await cli(["convert", `${root}/in`, "--to", "jsonl", "--out", `${root}/o3`]);
    assertEquals(c.code, 1, c.out + c.err);
    assertEquals([...Deno.readDirSync(`${root}/elsewhere`)], [], "nothing written through a link");
    for (const o of ["o1", "o2", "o3"]) assertEquals(await leftovers(`${root}/${o}`), [], o);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("an existing (read-only) output file is never replaced: usage error, file unchanged", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${root}/x.jsonl`, "precious\n");
    await Deno.chmod(`${root}/x.jsonl`, 0o444);
    const r = await cli(["convert", RUNS, "--to", "jsonl", "--out", `${root}/x.jsonl`]);
    assertEquals(r.code, 2, r.err);
    assertOk(r.err.includes("never overwrites"), r.err);
    assertEquals(await Deno.readTextFile(`${root}/x.jsonl`), "precious\n");
    assertEquals((await Deno.lstat(`${root}/x.jsonl`)).mode! & 0o777, 0o444);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("existing files under x.assets/ are not replaced; identical ones are kept", async () => {
  const root = await Deno.makeTempDir();
  try {
    const id = "0f3c2b1a9d8e4f6a8b7c6d5e4f3a2b1c";
    await copyRuns(`${root}/in`, [id]);
    assertEquals(
      (await cli(["convert", `${root}/in`, "--to", "jsonl", "--out", `${root}/o/x.jsonl`])).code,
      0,
    );
    // Rerun after deleting only the JSONL file: same asset bytes, kept.
    await Deno.remove(`${root}/o/x.jsonl`);
    const again = await cli(["convert", `${root}/in`, "--to", "jsonl", "--out", `${root}/o/x.jsonl`]);
    assertEquals(again.code, 0, again.out + again.err);
    // A different file in the way: the run fails, the file stays.
    await Deno.remove(`${root}/o/x.jsonl`);
    await Deno.writeTextFile(`${root}/o/x.assets/${id}/run.plx.json`, "{}");
    const clash = await cli(["convert", `${root}/in`, "--to", "jsonl", "--out", `${root}/o/x.jsonl`]);
    assertEquals(clash.code, 1, clash.out + clash.err);
    assertOk(clash.out.includes("never overwrites"), clash.out);
    assertEquals(await Deno.readTextFile(`${root}/o/x.assets/${id}/run.plx.json`), "{}");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a run named a never touches a finished run named .a.partial; .plxkit- names are reserved", async () => {
  const root = await Deno.makeTempDir();
  try {
    await copyRuns(`${root}/in`, [RUN]);
    await Deno.rename(`${root}/in/${RUN}`, `${root}/in/a`);
    await copyRuns(`${root}/in`, [RUN]);
    await Deno.rename(`${root}/in/${RUN}`, `${root}/in/.a.partial`);
    // First only the run named .a.partial, then both: "a" must not delete it.
    await Deno.mkdir(`${root}/only`);
    await Deno.rename(`${root}/in/.a.partial`, `${root}/only/.a.partial`);
    assertEquals((await cli(["convert", `${root}/only`, "--to", "plx", "--out", `${root}/o`])).code, 0);
    // (Run folders are uuids of the run ids: ".a.partial" and "a" never share one.)
    const dotted = `${root}/o/${runUuid(".a.partial")}`;
    const finished = await snapshot(dotted);
    assertOk(Object.keys(finished).length > 0);
    const r = await cli(["convert", `${root}/in`, "--to", "plx", "--out", `${root}/o`]);
    assertEquals(r.code, 0, r.out + r.err);
    assertEquals(await snapshot(dotted), finished);
    assertOk((await Deno.stat(`${root}/o/${runUuid("a")}`)).isDirectory);
    // A run named in the temporaries' namespace is refused where run ids become paths (JSONL side folders,
    // Parquet _assets/, TensorBoard run folders); a plx run folder is the uuid of the id, never such a name.
    await Deno.rename(`${root}/in/a`, `${root}/in/.plxkit-tmp-x`);
    for (const to of ["jsonl", "parquet", "tensorboard"]) {
      const bad = await cli(["convert", `${root}/in`, "--to", to, "--out", `${root}/o2-${to}`]);
      assertEquals(bad.code, 1, `${to}: ${bad.out}${bad.err}`);
      assertOk(bad.out.includes("reserved"), bad.out);
    }
    const plx = await cli(["convert", `${root}/in`, "--to", "plx", "--out", `${root}/o2-plx`]);
    assertEquals(plx.code, 0, plx.out + plx.err);
    assertOk((await Deno.stat(`${root}/o2-plx/${runUuid(".plxkit-tmp-x")}`)).isDirectory);
    assertEquals(path.basename(root).length > 0, true);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
