/**
 * 17.3 Silent loss: a bad run id line, a cut .jsonl.gz, one run id from two inputs, TensorBoard run names
 * that sanitise alike (two runs, never merged), unreadable files (as an unprivileged user), a corrupt run.plx.json. Each is
 * an error naming what was lost; no run is committed without every file; a rerun does not call it done.
 */
import { gzipSync } from "node:zlib";
import { assertEquals, assertOk } from "../_assert.ts";
import { canDropPrivileges, cli, copyRuns, leftovers, snapshot } from "./_util.ts";
import { runUuid } from "../../src/convert/carry.ts";

const A = "2b3c4d5e6f7a48099b0c1d2e3f4a5b6c";
const B = "3c4d5e6f7a8b490a8c1d2e3f4a5b6c7d";

function line(run: string, step: number): string {
  return JSON.stringify({
    run,
    scope: "events",
    kind: "metric",
    name: "loss",
    step,
    timestamp: "2025-03-01T09:15:02.481516+00:00",
    type: "metric",
    value: step / 2,
  });
}

Deno.test("a bad run id line skips only its run; the other runs of the file are converted", async () => {
  const root = await Deno.makeTempDir();
  try {
    const text = [line("r1", 1), line("r1", 2), line("../../x", 1), line("r2", 1), line("r2", 2)].join("\n") +
      "\n";
    await Deno.writeTextFile(`${root}/in.jsonl`, text);
    const r = await cli(["convert", `${root}/in.jsonl`, "--to", "plx", "--out", `${root}/o`]);
    assertEquals(r.code, 1, r.out + r.err);
    assertOk(r.err.includes("in.jsonl:3") && r.err.includes("../../x"), r.err);
    const snap = await snapshot(`${root}/o`);
    // r1 and r2 are committed whole (uuid run folders named from their ids, their commit records); the bad
    // id has nothing under --out.
    const want = [".plxkit/commits/r1.json", ".plxkit/commits/r2.json"];
    for (const id of ["r1", "r2"]) {
      want.push(`${runUuid(id)}/events/metric/loss.plx`, `${runUuid(id)}/run.plx.json`);
    }
    assertEquals(Object.keys(snap).sort(), want.sort());
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a cut .jsonl.gz is an error; its run is not committed, and a rerun does not call it done", async () => {
  const root = await Deno.makeTempDir();
  try {
    const lines = Array.from({ length: 3000 }, (_, i) => line(i < 1500 ? "first" : "second", i)).join("\n") +
      "\n";
    const gz = gzipSync(new TextEncoder().encode(lines));
    await Deno.writeFile(`${root}/in.jsonl.gz`, gz.subarray(0, gz.length - 200));
    for (let attempt = 0; attempt < 2; attempt++) {
      const r = await cli(["convert", `${root}/in.jsonl.gz`, "--to", "plx", "--out", `${root}/o`]);
      assertEquals(r.code, 1, r.out + r.err);
      assertOk(/cut short/.test(r.err), r.err);
      assertOk(r.out.includes("failed: second"), r.out);
      assertOk(!r.out.includes("already done; ") || !/1 already done/.test(r.out) || attempt === 1, r.out);
      assertOk(!(await Deno.lstat(`${root}/o/second`).then(() => true, () => false)), "cut run committed");
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("one run id from two inputs is an error, not 'already done'", async () => {
  const root = await Deno.makeTempDir();
  try {
    await copyRuns(`${root}/x`, [A]);
    await copyRuns(`${root}/y`, [A]);
    const r = await cli(["convert", `${root}/x`, `${root}/y`, "--to", "jsonl", "--out", `${root}/o`]);
    assertEquals(r.code, 1, r.out + r.err);
    assertOk(r.out.includes(`failed: ${A}: run id "${A}" comes a second time`), r.out);
    const again = await cli(["convert", `${root}/x`, `${root}/y`, "--to", "jsonl", "--out", `${root}/o`]);
    assertEquals(again.code, 1, again.out);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("TensorBoard runs whose names collide after sanitising stay two runs: nothing merged, nothing skipped", async () => {
  const root = await Deno.makeTempDir();
  try {
    await copyRuns(`${root}/in`, [A]);
    // Runs "a/b" and "a__b" both become run id "a__b".
    for (const sub of ["a/b", "a__b"]) {
      const r = await cli([
        "convert",
        `${root}/in`,
        "--to",
        "tensorboard",
        "--out",
        `${root}/tmp-${sub.length}`,
      ]);
      assertEquals(r.code, 0, r.out);
      await Deno.mkdir(`${root}/logdir/${sub}`, { recursive: true });
      for (const e of Deno.readDirSync(`${root}/tmp-${sub.length}/${A}`)) {
        await Deno.rename(`${root}/tmp-${sub.length}/${A}/${e.name}`, `${root}/logdir/${sub}/${e.name}`);
      }
    }
    const r = await cli([
      "convert",
      `${root}/logdir`,
      "--from",
      "tensorboard",
      "--to",
      "jsonl",
      "--out",
      `${root}/o`,
      "--format",
      "json",
    ]);
    // Run ids of TensorBoard runs are uuids of their paths, so "a/b" and "a__b" never share an id.
    assertEquals(r.code, 0, r.out + r.err);
    const doc = JSON.parse(r.out);
    const ids = doc.runs.map((x: { id: string }) => x.id);
    assertEquals(new Set(ids).size, 2, r.out);
    assertEquals(doc.runs.map((x: { events: number; status: string }) => [x.status, x.events]), [
      ["ok", 5],
      ["ok", 5],
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a corrupt run.plx.json is an error and the run is not committed", async () => {
  const root = await Deno.makeTempDir();
  try {
    await copyRuns(`${root}/in`, [A, B]);
    await Deno.writeTextFile(`${root}/in/${A}/run.plx.json`, '{"uuid": "cut');
    const r = await cli(["convert", `${root}/in`, "--to", "plx", "--out", `${root}/o`]);
    assertEquals(r.code, 1, r.out + r.err);
    assertOk(r.err.includes(`${A}/run.plx.json: error: not valid JSON`), r.err);
    assertOk(r.out.includes(`failed: ${A}: not committed`), r.out);
    assertEquals([...Deno.readDirSync(`${root}/o`)].map((e) => e.name).sort(), [".plxkit", B]);
    assertEquals([...Deno.readDirSync(`${root}/o/.plxkit/commits`)].map((e) => e.name), [`${B}.json`]);
    assertEquals(await leftovers(`${root}/o`), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test({
  name: "an unreadable file (run as an unprivileged user): the run fails, is not committed, and is redone",
  fn: async (t) => {
    if (!(await canDropPrivileges())) {
      console.log("skipped: needs root and setpriv to run the CLI as uid 65534 (nobody)");
      return;
    }
    const root = await Deno.makeTempDir();
    try {
      await Deno.chmod(root, 0o777);
      await copyRuns(`${root}/in`, [A, B]);
      await new Deno.Command("chmod", { args: ["-R", "a+rX", `${root}/in`] }).output();
      const file = `${root}/in/${A}/events/metric/` +
        [...Deno.readDirSync(`${root}/in/${A}/events/metric`)][0].name;
      await Deno.chmod(file, 0o600); // root's only: nobody cannot read it
      for (const to of ["plx", "jsonl", "tensorboard", "parquet"]) {
        await t.step(to, async () => {
          const out = `${root}/o-${to}`;
          const r = await cli(["convert", `${root}/in`, "--to", to, "--out", out], { uid: 65534 });
          assertEquals(r.code, 1, r.out + r.err);
          assertOk(/permission denied/i.test(r.out + r.err), r.out + r.err);
          assertOk(r.out.includes(`failed: ${A}`), r.out);
          // After the fix the rerun converts it (it was not called done).
          await Deno.chmod(file, 0o644);
          const again = await cli(["convert", `${root}/in`, "--to", to, "--out", out], { uid: 65534 });
          assertEquals(again.code, 0, again.out + again.err);
          assertOk(/1 ok, 0 failed, 1 already done/.test(again.out), again.out);
          await Deno.chmod(file, 0o600);
        });
      }
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
