/**
 * Issue 10.4-10.6: every conversion's output is a real Polyaxon run (uuid folders, complete run records,
 * `validate --strict` clean); every file of a run comes back byte for byte or is named in the ledger with a
 * reason; a rerun reports what a run lost again, and accepting a loss is explicit and recorded.
 */
import * as path from "node:path";
import { assertEquals, assertOk } from "../_assert.ts";
import { run } from "../_cli.ts";
import fc from "../_fc.ts";
import { demo } from "../../demo.ts";
import { isRunUuid, nameUuid, runUuid } from "../../src/convert/carry.ts";

const FIX = path.join(import.meta.dirname!, "../../fixtures");

/** Every file under `dir` (run-relative, `/` separators) with its bytes; `.plxkit/` left out. */
async function files(dir: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  const walk = async (rel: string) => {
    for await (const e of Deno.readDir(path.join(dir, rel))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (r === ".plxkit") continue;
      if (e.isDirectory) await walk(r);
      else out.set(r, await Deno.readFile(path.join(dir, r)));
    }
  };
  await walk("");
  return out;
}

const SOURCES: [string, string][] = [
  ["plx", "runs"],
  ["plx", "tensorboard/plx"],
  ["jsonl", "jsonl/small.jsonl"],
  ["parquet", "parquet/small-dataset"],
  ["tensorboard", "tensorboard/logdirs/tbx"],
  ["tensorboard", "tensorboard/logdirs/tf2"],
];
const TARGETS = ["plx", "jsonl", "tensorboard", "parquet"];

/**
 * Findings the data itself carries (not the conversion): TensorBoard's histograms of 600 bins (Polyaxon
 * allows 512) and a session restart whose steps go back, both in the tbx fixture; metric files mixing UTC
 * offsets on purpose (the JSONL, Parquet and tensorboard/plx fixtures), which Polyaxon's reader cannot
 * parse and validate warns about in the source too. All kept as they are.
 */
const DATA_WARNINGS = new Set(["histogram-shape", "step-order", "utc-offset-mix"]);

Deno.test("every fixture of every format -> every target -> plx passes validate --strict", async (t) => {
  const root = await Deno.makeTempDir();
  try {
    let n = 0;
    for (const [from, rel] of SOURCES) {
      for (const to of TARGETS) {
        await t.step(`${rel} -> ${to}`, async () => {
          const i = n++;
          const mid = path.join(root, `${i}`, to === "jsonl" ? "x.jsonl" : "x");
          const a = await run(
            "convert",
            path.join(FIX, rel),
            "--from",
            from,
            "--to",
            to,
            "--out",
            mid,
            "-q",
            "--accept-loss",
          );
          assertEquals(a.code, 0, a.out + a.err);
          let plx = mid;
          if (to !== "plx") {
            plx = path.join(root, `${i}`, "back");
            const b = await run(
              "convert",
              mid,
              "--from",
              to,
              "--to",
              "plx",
              "--out",
              plx,
              "-q",
              "--accept-loss",
            );
            assertEquals(b.code, 0, b.out + b.err);
          }
          for (const e of Deno.readDirSync(plx)) {
            if (e.name !== ".plxkit") assertOk(isRunUuid(e.name), `${rel} -> ${to}: run folder ${e.name}`);
          }
          const v = await run("validate", plx, "--strict", "--format", "json");
          const doc = JSON.parse(v.out);
          const findings: string[] = [];
          let dataWarnings = 0;
          for (const r of doc.runs) {
            for (const f of r.files) {
              for (const d of f.diagnostics) {
                if (d.severity === "error" || (d.severity === "warning" && !DATA_WARNINGS.has(d.code))) {
                  findings.push(`${r.id}/${f.file}:${d.line ?? ""}: ${d.code} ${d.message}`);
                } else if (d.severity === "warning") {
                  dataWarnings += d.count ?? 1;
                }
              }
            }
            for (const d of r.diagnostics ?? []) {
              if (d.severity !== "info") findings.push(`${r.id}: ${d.code} ${d.message}`);
            }
          }
          assertEquals(findings, [], `${rel} -> ${to}`);
          assertEquals(doc.summary.errors, 0);
          // Every warning counted in the summary is one of the data's own, listed above.
          assertEquals(doc.summary.warnings, dataWarnings, `${rel} -> ${to}`);
        });
      }
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("TensorBoard -> plx: uuid folders from the source (idempotent), complete run records", async () => {
  const root = await Deno.makeTempDir();
  try {
    const logdir = path.join(FIX, "tensorboard/logdirs/tbx");
    assertEquals((await run("convert", logdir, "--to", "plx", "--out", `${root}/a`, "-q")).code, 0);
    assertEquals((await run("convert", logdir, "--to", "plx", "--out", `${root}/b`, "-q")).code, 0);
    const a = [...Deno.readDirSync(`${root}/a`)].map((e) => e.name).sort();
    assertEquals(a, [...Deno.readDirSync(`${root}/b`)].map((e) => e.name).sort());
    const want = nameUuid("tensorboard\0hp/trial1\0events.out.tfevents.1795728471.vm");
    const rec = JSON.parse(await Deno.readTextFile(`${root}/a/${want}/run.plx.json`));
    assertEquals(rec.uuid, want);
    assertEquals(rec.name, "hp/trial1");
    assertEquals([rec.kind, rec.status], ["job", "succeeded"]);
    assertEquals(rec.inputs, { bn: true, lr: 0.1, opt: "adam" });
    assertEquals(rec.outputs, { "hp/accuracy": 0.75 });
    assertOk(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/.test(rec.created_at), rec.created_at);
    assertEquals(rec.started_at, rec.created_at);
    assertOk(rec.finished_at >= rec.started_at);
    assertEquals(rec.meta_info.tensorboard.run, "hp/trial1");
    assertEquals(rec.tags, ["tensorboard"]);
    // A rerun skips every run.
    const again = await run("convert", logdir, "--to", "plx", "--out", `${root}/a`);
    assertOk(again.out.includes("4 already done"), again.out);
    assertEquals(again.code, 0);
    // Run ids that are not uuids (a hand-written JSONL) get the uuid of their id, with the record kept.
    assertEquals(runUuid("0123456789ABCDEF0123456789abcdef"), "0123456789abcdef0123456789abcdef");
    assertEquals(runUuid("aaaa1111"), nameUuid("run\0aaaa1111"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/** Random extra files for a run: outputs, models, logs, unreferenced assets, files outside the layout. */
const extraFiles = fc.uniqueArray(
  fc.record({
    dir: fc.constantFrom(
      "outputs",
      "outputs/models",
      "resources/other",
      "assets/extra",
      "plxlogs",
      "",
      "code/src",
    ),
    name: fc.stringMatching(/^f[a-z0-9_-]{0,10}(\.(json|bin|txt|csv|jsonl))?$/),
    bytes: fc.uint8Array({ maxLength: 4000 }),
  }),
  { maxLength: 8, selector: (f) => `${f.dir}/${f.name}` },
);

Deno.test("plx -> X -> plx: every file of a run comes back byte for byte or is named in the ledger", async () => {
  const root = await Deno.makeTempDir();
  const originalLog = console.log;
  console.log = () => {};
  let seed;
  try {
    seed = await demo(path.join(root, "seed"));
  } finally {
    console.log = originalLog;
  }
  let k = 0;
  try {
    await fc.assert(
      fc.asyncProperty(extraFiles, async (extra) => {
        const base = path.join(root, `case${k++}`);
        const runDir = path.join(base, "in", seed.uuid);
        await Deno.mkdir(path.dirname(runDir), { recursive: true });
        await new Deno.Command("cp", { args: ["-r", seed.path, runDir] }).output();
        // The seed run has outputs/, plxlogs/ and lineages of its own; add random files around them.
        for (const f of extra) {
          const p = path.join(runDir, f.dir, f.name);
          await Deno.mkdir(path.dirname(p), { recursive: true });
          await Deno.writeFile(p, f.bytes);
        }
        const want = await files(runDir);
        for (const to of ["jsonl", "tensorboard", "parquet"]) {
          const mid = path.join(base, to, to === "jsonl" ? "x.jsonl" : "x");
          const a = await run("convert", runDir, "--to", to, "--out", mid, "--format", "json");
          const report = JSON.parse(a.out);
          const lost = new Map<string, string>(
            report.lost.map((l: { file: string; reason: string }) => [l.file, l.reason]),
          );
          // Exit 1 exactly when something was lost; the text report names each loss too.
          assertEquals(a.code, lost.size ? 1 : 0, `${to}: ${a.out}`);
          if (lost.size) {
            const text = await run("convert", runDir, "--to", to, "--out", `${mid}-text`);
            for (const f of lost.keys()) assertOk(text.out.includes(`  ${seed.uuid}: ${f}: `), text.out);
          }
          const back = path.join(base, to, "back");
          const b = await run("convert", mid, "--from", to, "--to", "plx", "--out", back, "-q");
          assertEquals(b.code, 0, b.out + b.err);
          const got = await files(path.join(back, seed.uuid));
          for (const [rel, bytes] of want) {
            const reason = lost.get(rel);
            if (reason !== undefined) {
              assertOk(reason.length > 0);
              continue;
            }
            assertOk(got.has(rel), `${to}: ${rel} neither came back nor is in the ledger`);
            assertEquals(got.get(rel), bytes, `${to}: ${rel}`);
          }
          for (const rel of got.keys()) assertOk(want.has(rel), `${to}: ${rel} came back from nowhere`);
          // Every format carries everything.
          assertEquals([...lost], [], to);
        }
        await Deno.remove(base, { recursive: true });
      }),
      { numRuns: 4 },
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("JSONL: plxlogs/ are carried as files and as log rows, which event readers skip", async () => {
  const root = await Deno.makeTempDir();
  try {
    const src = path.join(FIX, "runs/0f3c2b1a9d8e4f6a8b7c6d5e4f3a2b1c");
    const out = path.join(root, "x.jsonl");
    assertEquals((await run("convert", src, "--to", "jsonl", "--out", out, "-q")).code, 0);
    const rows = (await Deno.readTextFile(out)).trim().split("\n").map((l) => JSON.parse(l));
    const logs = rows.filter((r) => r.type === "log");
    const want = (await Deno.readTextFile(path.join(src, "plxlogs/logs.jsonl"))).trim().split("\n")
      .map((l) => JSON.parse(l).value);
    assertEquals(logs.map((r) => r.value), want);
    assertOk(
      logs.every((r) => r.run === "0f3c2b1a9d8e4f6a8b7c6d5e4f3a2b1c" && r.file === "plxlogs/logs.jsonl"),
    );
    assertEquals(
      await Deno.readFile(path.join(root, "x.assets/0f3c2b1a9d8e4f6a8b7c6d5e4f3a2b1c/plxlogs/logs.jsonl")),
      await Deno.readFile(path.join(src, "plxlogs/logs.jsonl")),
    );
    const i = await run("inspect", out, "--json");
    assertEquals(i.code, 0);
    assertEquals(JSON.parse(i.out).runs[0].events, rows.length - logs.length);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a rerun reports what a run lost and exits 1; --accept-loss accepts it, recorded", async () => {
  const root = await Deno.makeTempDir();
  try {
    const src = path.join(root, "in.jsonl");
    const good = await Deno.readTextFile(path.join(FIX, "jsonl/small.jsonl"));
    const lines = good.trim().split("\n");
    lines.splice(2, 0, '{"run":"aaaa1111","broken');
    await Deno.writeTextFile(src, lines.join("\n") + "\n");
    const out = path.join(root, "out");
    const first = await run("convert", src, "--to", "plx", "--out", out);
    assertEquals(first.code, 1, first.out);
    // The unreadable line is lost by the run being read there.
    const id = JSON.parse(
      (await run("convert", src, "--to", "jsonl", "--out", `${root}/probe.jsonl`, "--format", "json")).out,
    )
      .lost[0].run;
    assertOk(first.out.includes(`lost in run ${id}: 1 item\n`), first.out);
    assertOk(first.out.includes(`  ${id}: ${src}:3: not JSON`), first.out);
    const rec = JSON.parse(await Deno.readTextFile(path.join(out, `.plxkit/commits/${id}.json`)));
    assertEquals([rec.lostCount, rec.accepted, rec.lost[0].line, rec.lost[0].file], [1, false, 3, src]);
    // The rerun skips the run and says what it lost again.
    const again = await run("convert", src, "--to", "plx", "--out", out);
    assertEquals(again.code, 1, again.out);
    assertOk(again.out.includes("2 already done"), again.out);
    assertOk(again.out.includes(`lost in run ${id} (when it was converted`), again.out);
    assertOk(again.out.includes(`  ${id}: ${src}:3: not JSON`), again.out);
    const json = JSON.parse((await run("convert", src, "--to", "plx", "--out", out, "--format", "json")).out);
    assertEquals(json.failed, true);
    assertEquals(json.lost.map((l: { line: number }) => l.line), [3]);
    // Accepting is explicit, and recorded.
    const accept = await run("convert", src, "--to", "plx", "--out", out, "--accept-loss");
    assertEquals(accept.code, 0, accept.out);
    assertOk(accept.out.includes("accepted (--accept-loss)"), accept.out);
    const rec2 = JSON.parse(await Deno.readTextFile(path.join(out, `.plxkit/commits/${id}.json`)));
    assertEquals(rec2.accepted, true);
    assertOk(typeof rec2.acceptedAt === "string");
    const after = await run("convert", src, "--to", "plx", "--out", out);
    assertEquals(after.code, 0, after.out);
    assertOk(after.out.includes("accepted (--accept-loss)"), after.out);
    // A fresh conversion with --accept-loss records the acceptance at once.
    const out2 = path.join(root, "out2");
    const fresh = await run("convert", src, "--to", "jsonl", "--out", out2, "--accept-loss");
    assertEquals(fresh.code, 0, fresh.out);
    const rec3 = JSON.parse(await Deno.readTextFile(path.join(out2, `.plxkit/commits/${id}.json`)));
    assertEquals([rec3.accepted, rec3.lostCount], [true, 1]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("older-generation event files come back byte for byte through every format (.plx-original)", async () => {
  const root = await Deno.makeTempDir();
  try {
    // The fixture runs hold all-CSV text files, escaped `\/`, other key orders and a mixed file.
    const src = path.join(FIX, "runs");
    const want = new Map<string, Uint8Array>();
    for (const id of Deno.readDirSync(src)) {
      for (const [rel, b] of await files(path.join(src, id.name))) want.set(`${id.name}/${rel}`, b);
    }
    // The mixed file (a CSV header, then JSON lines) is written back in the form Polyaxon's reader reads.
    const mixed = "3c4d5e6f7a8b490a8c1d2e3f4a5b6c7d/events/text/notes.plx";
    for (const to of ["plx", "jsonl", "tensorboard", "parquet"]) {
      const mid = path.join(root, to, to === "jsonl" ? "x.jsonl" : "x");
      assertEquals((await run("convert", src, "--to", to, "--out", mid, "-q")).code, 0, to);
      let back = mid;
      if (to !== "plx") {
        back = path.join(root, to, "back");
        assertEquals((await run("convert", mid, "--from", to, "--to", "plx", "--out", back, "-q")).code, 0);
      }
      const got = new Map<string, Uint8Array>();
      for (const id of Deno.readDirSync(back)) {
        if (id.name === ".plxkit") continue;
        for (const [rel, b] of await files(path.join(back, id.name))) got.set(`${id.name}/${rel}`, b);
      }
      assertEquals([...got.keys()].sort(), [...want.keys()].sort(), to);
      for (const [rel, b] of want) {
        if (rel === mixed) continue;
        assertEquals(got.get(rel), b, `${to}: ${rel}`);
      }
      assertOk(!new TextDecoder().decode(got.get(mixed)).startsWith("step|"), `${to}: mixed file rewritten`);
    }
    // A selection of events drops the originals: the output holds only what was selected.
    const sel = path.join(root, "sel");
    assertEquals((await run("convert", src, "--to", "plx", "--out", sel, "--kind", "text", "-q")).code, 0);
    const id = "1a2b3c4d5e6f47089a0b1c2d3e4f5a6b";
    const text = await Deno.readTextFile(path.join(sel, id, "events/text/log.plx"));
    assertOk(text.startsWith("\n{"), text); // re-encoded, not the original all-CSV file
    assertEquals((await run("validate", sel, "--strict")).code, 0);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a Polyaxon run holding a stray .jsonl file is read as a run; a conversion that finds no run exits 1", async () => {
  const root = await Deno.makeTempDir();
  try {
    const id = "2b3c4d5e6f7a48099b0c1d2e3f4a5b6c";
    const runDir = path.join(root, "in", id);
    await Deno.mkdir(path.dirname(runDir), { recursive: true });
    await new Deno.Command("cp", { args: ["-r", path.join(FIX, "runs", id), runDir] }).output();
    await Deno.writeTextFile(path.join(runDir, "f.jsonl"), "");
    await Deno.writeTextFile(path.join(root, "in", "stray.jsonl"), "");
    // The run folder itself, and the folder of runs: plx input, the stray file carried with its run.
    for (const input of [runDir, path.join(root, "in")]) {
      const out = path.join(root, `o${input.length}.jsonl`);
      const r = await run("convert", input, "--to", "jsonl", "--out", out, "--format", "json");
      assertEquals(r.code, 0, r.out + r.err);
      assertEquals(JSON.parse(r.out).runs.map((x: { id: string }) => x.id), [id]);
      assertEquals(await Deno.readTextFile(path.join(root, `o${input.length}.assets`, id, "f.jsonl")), "");
    }
    // Nothing to convert is never a silent success.
    await Deno.writeTextFile(path.join(root, "empty.jsonl"), "");
    const none = await run("convert", path.join(root, "empty.jsonl"), "--to", "plx", "--out", `${root}/e`);
    assertEquals(none.code, 1);
    assertOk(none.err.includes("no runs found in"), none.err);
    const sel = await run("convert", runDir, "--run", "nomatch*", "--to", "plx", "--out", `${root}/s`);
    assertEquals(sel.code, 1);
    assertOk(sel.err.includes("none matched the selection"), sel.err);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
