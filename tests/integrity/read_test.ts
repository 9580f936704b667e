/**
 * 17.2 Reading what it must not, and 17.5 hangs: links out of a JSONL sidecar, a Parquet `_assets/`
 * folder, a run record that is a link, links out of a TensorBoard logdir; FIFOs where a run record, an
 * asset, a dataset record or an input file should be.
 */
import { assertEquals, assertOk } from "../_assert.ts";
import { cli, copyRuns, leftovers, mkfifo, snapshot } from "./_util.ts";

const IMG_RUN = "0f3c2b1a9d8e4f6a8b7c6d5e4f3a2b1c";
const SECRET = "TOP-SECRET-BYTES";

async function firstAsset(dir: string): Promise<string> {
  const snap = await snapshot(dir);
  const k = Object.keys(snap).find((k) => /(^|\/)assets\/.*\.png$/.test(k) || /\.png$/.test(k));
  if (!k) throw new Error(`no png under ${dir}`);
  return `${dir}/${k}`;
}

async function noSecret(dir: string): Promise<void> {
  for (const [k, v] of Object.entries(await snapshot(dir).catch(() => ({})))) {
    assertOk(!v.includes(SECRET), `${k} holds bytes read through a link`);
  }
}

Deno.test("a link out of a JSONL sidecar, a Parquet _assets/ folder or a run is refused, never copied", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${root}/secret`, SECRET);
    await copyRuns(`${root}/in`, [IMG_RUN]);
    for (const [to, out] of [["jsonl", "j.jsonl"], ["parquet", "pq"]]) {
      assertEquals((await cli(["convert", `${root}/in`, "--to", to, "--out", `${root}/${out}`])).code, 0);
    }
    // Replace one asset of each source by a link to the secret.
    for (const src of ["in", "j.assets", "pq"]) {
      const a = await firstAsset(`${root}/${src}`);
      await Deno.remove(a);
      await Deno.symlink(`${root}/secret`, a);
    }
    for (const src of ["in", "j.jsonl", "pq"]) {
      const out = `${root}/out-${src}`;
      const r = await cli(["convert", `${root}/${src}`, "--to", "plx", "--out", out]);
      assertEquals(r.code, 1, `${src}: ${r.out}${r.err}`);
      assertOk(/link leading outside/.test(r.out + r.err), `${src}: ${r.out}${r.err}`);
      await noSecret(out);
      assertEquals(await leftovers(out), []);
    }
    // A run record that is a link leading outside the run.
    await Deno.remove(`${root}/in/${IMG_RUN}/run.plx.json`);
    await Deno.writeTextFile(`${root}/secret.json`, `{"secret":"${SECRET}"}`);
    await Deno.symlink(`${root}/secret.json`, `${root}/in/${IMG_RUN}/run.plx.json`);
    const r = await cli(["convert", `${root}/in`, "--to", "jsonl", "--out", `${root}/rec.jsonl`]);
    assertEquals(r.code, 1, r.out + r.err);
    assertOk(
      (r.out + r.err).includes("run.plx.json: error: cannot read: is a link leading outside"),
      r.out + r.err,
    );
    await noSecret(`${root}/rec.assets`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a link out of a TensorBoard logdir is refused with an error", async () => {
  const root = await Deno.makeTempDir();
  try {
    await copyRuns(`${root}/in`, ["2b3c4d5e6f7a48099b0c1d2e3f4a5b6c"]);
    assertEquals(
      (await cli(["convert", `${root}/in`, "--to", "tensorboard", "--out", `${root}/outside`])).code,
      0,
    );
    await Deno.mkdir(`${root}/logdir/own`, { recursive: true });
    assertEquals(
      (await cli(["convert", `${root}/in`, "--to", "tensorboard", "--out", `${root}/logdir/own`])).code,
      0,
    );
    await Deno.symlink(`${root}/outside`, `${root}/logdir/stolen`);
    const r = await cli([
      "convert",
      `${root}/logdir`,
      "--from",
      "tensorboard",
      "--to",
      "jsonl",
      "--out",
      `${root}/o`,
    ]);
    assertEquals(r.code, 1, r.out + r.err);
    assertOk(r.err.includes("a link leading outside the logdir"), r.err);
    assertEquals(
      Object.keys(await snapshot(`${root}/o`)).filter((k) => k.endsWith(".jsonl")).length,
      1,
      "only the run inside the logdir",
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("FIFOs where a run record, an asset, a dataset record or an input file should be: no hang", async () => {
  const root = await Deno.makeTempDir();
  try {
    await copyRuns(`${root}/in`, [IMG_RUN]);
    assertEquals((await cli(["convert", `${root}/in`, "--to", "parquet", "--out", `${root}/pq`])).code, 0);
    assertEquals((await cli(["convert", `${root}/in`, "--to", "jsonl", "--out", `${root}/j`])).code, 0);
    // plx: run record and one asset are FIFOs.
    await Deno.remove(`${root}/in/${IMG_RUN}/run.plx.json`);
    await mkfifo(`${root}/in/${IMG_RUN}/run.plx.json`);
    const a = await firstAsset(`${root}/in`);
    await Deno.remove(a);
    await mkfifo(a);
    for (const to of ["plx", "tensorboard", "jsonl", "parquet"]) {
      const r = await cli(["convert", `${root}/in`, "--to", to, "--out", `${root}/o-${to}`], {
        deadline: 30_000,
      });
      assertOk(!r.killed, `${to}: hung on a FIFO`);
      assertEquals(r.code, 1, `${to}: ${r.out}${r.err}`);
      assertOk(/FIFO/.test(r.out + r.err), `${to}: ${r.out}${r.err}`);
    }
    const i = await cli(["inspect", `${root}/in`], { deadline: 30_000 });
    assertOk(!i.killed, "inspect hung on a FIFO");
    // Parquet: the dataset record.
    const ds = `${root}/pq/_plxkit/dataset.json`;
    await Deno.remove(ds);
    await mkfifo(ds);
    const p = await cli([
      "convert",
      `${root}/pq`,
      "--from",
      "parquet",
      "--to",
      "plx",
      "--out",
      `${root}/o-pq`,
    ], {
      deadline: 30_000,
    });
    assertOk(!p.killed, "parquet source hung on a FIFO dataset record");
    assertEquals(p.code, 1, p.out + p.err);
    // JSONL: the input file itself.
    const jf = [...Deno.readDirSync(`${root}/j`)].find((e) => e.name.endsWith(".jsonl"))!.name;
    await Deno.remove(`${root}/j/${jf}`);
    await mkfifo(`${root}/j/${jf}`);
    const j = await cli(["convert", `${root}/j/${jf}`, "--to", "plx", "--out", `${root}/o-j`], {
      deadline: 30_000,
    });
    assertOk(!j.killed, "JSONL source hung on a FIFO");
    assertOk(j.code !== 0, j.out + j.err);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
