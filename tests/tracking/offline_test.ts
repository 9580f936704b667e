import * as path from "node:path";
import { Run } from "../../src/tracking/run.ts";
import { tracking } from "../../src/tracking/tracking.ts";
import { assertEquals, assertOk, assertThrows } from "../_assert.ts";

Deno.test("offline run: Appendix B's worked lineage example, run.plx.json statuses and outputs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plx-offline-" });
  const run = new Run({
    path: dir,
    offline: true,
    exitHandlers: false,
    runUuid: "8aac02e3-a62a-4fd3-8d41-d6dc9f9f4cf5",
    name: "demo",
    tags: ["a"],
  });
  run.logMetrics({ loss: 0.6931 }, { step: 1, timestamp: "2025-03-01 09:15:02.481516+00:00" });
  run.logMetrics({ loss: 0.5 }, { step: 2, timestamp: "2025-03-01 09:15:12.503311+00:00" });
  run.logMetrics({ loss: NaN }, { timestamp: "2025-03-01 09:15:20+00:00" });
  run.logMetric("acc", 0.9, { step: 3 });
  run.logInputs({ lr: 0.001, "batch size": 32 });
  run.logOutputs({ foo: "bar", scalar: 0.1, key: "val" });
  assertEquals(run.status, "running");
  await run.end();
  assertEquals(run.diagnostics, []);

  const lineages = JSON.parse(Deno.readTextFileSync(path.join(dir, "lineages.plx.json")));
  const raw = Deno.readTextFileSync(path.join(dir, "lineages.plx.json"));
  assertOk(
    raw.includes(
      '{"name":"loss","kind":"metric","path":"events/metric/loss.plx","summary":{"is_event":true,' +
        '"step":{"count":2,"min":1.0,"max":null},' +
        '"timestamp":{"min":"2025-03-01T09:15:02.481516+00:00","max":"2025-03-01T09:15:20+00:00"},' +
        '"metric":{"count":2.0,"mean":0.59655,"std":0.13654231944712236,"min":0.5,"25%":0.5482750000000001,' +
        '"50%":0.59655,"75%":0.644825,"max":0.6931,"last":null}},"is_input":false}',
    ),
    raw,
  );
  assertEquals(lineages[0].name, "env");

  const rec = JSON.parse(Deno.readTextFileSync(path.join(dir, "run.plx.json")));
  assertEquals(rec.uuid, "8aac02e3a62a4fd38d41d6dc9f9f4cf5");
  assertEquals(rec.name, "demo");
  assertEquals(rec.status, "succeeded");
  assertEquals(rec.status_conditions.map((c: { type: string }) => c.type), [
    "created",
    "running",
    "succeeded",
  ]);
  assertEquals(rec.status_conditions[0].reason, "OfflineOperation");
  assertEquals(rec.inputs, { lr: 0.001, "batch-size": 32 });
  assertEquals(rec.outputs, { foo: "bar", scalar: 0.1, key: "val", acc: 0.9, loss: null });
  assertEquals(rec.meta_info, { has_events: true, has_metrics: true });
  assertOk(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/.test(rec.finished_at));
  assertEquals(typeof rec.duration, "number");
  const rawRun = Deno.readTextFileSync(path.join(dir, "run.plx.json"));
  assertOk(rawRun.includes('"acc":0.9') && rawRun.includes('"managed_by":"user"'));
  // env.json is compact JSON with a hashed lineage record
  const env = JSON.parse(Deno.readTextFileSync(path.join(dir, "outputs/env.json")));
  assertEquals(env.pid, Deno.pid);
  assertOk(/^[0-9a-f]{12}$/.test(lineages[0].summary.hash));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("artifacts and models without a step go to outputs/ with a hashed lineage record", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plx-outputs-" });
  const src = await Deno.makeTempDir();
  await Deno.writeTextFile(path.join(src, "weights.bin"), "abc");
  await Deno.mkdir(path.join(src, "saved"));
  await Deno.writeTextFile(path.join(src, "saved", "m.pb"), "x");
  const run = new Run({ path: dir, offline: true, exitHandlers: false, trackEnv: false });
  run.logArtifact(path.join(src, "weights.bin"), { kind: "file" });
  run.logModel(path.join(src, "saved"), { framework: "tensorflow" });
  run.logModel(path.join(src, "saved"), { name: "ckpt", step: 3 });
  await run.end();
  assertEquals(Deno.readTextFileSync(path.join(dir, "outputs/weights.bin")), "abc");
  assertEquals(Deno.readTextFileSync(path.join(dir, "outputs/saved/m.pb")), "x");
  assertEquals(Deno.readTextFileSync(path.join(dir, "assets/model/ckpt_3/m.pb")), "x");
  const lineages = JSON.parse(Deno.readTextFileSync(path.join(dir, "lineages.plx.json")));
  const w = lineages.find((l: { name: string }) => l.name === "weights");
  assertEquals(w.kind, "file");
  assertEquals(w.path, "outputs/weights.bin");
  assertEquals(w.summary.hash, "900150983cd2"); // md5("abc")
  const m = lineages.find((l: { name: string }) => l.name === "saved");
  assertEquals([m.kind, m.summary.framework], ["model", "tensorflow"]);
  const rec = JSON.parse(Deno.readTextFileSync(path.join(dir, "run.plx.json")));
  assertEquals(rec.meta_info.has_model, true);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("module-level tracking functions use the default run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plx-tracking-" });
  assertThrows(() => tracking.logMetric("x", 1), TypeError, "tracking.init");
  tracking.init({ path: dir, offline: true, exitHandlers: false, trackEnv: false });
  for (let i = 1; i < 5; i++) tracking.logMetrics({ loss: 10 / (i + 1) }, { step: i });
  tracking.logText("text-event", "value at step 1", { step: 1 });
  await tracking.end();
  const text = Deno.readTextFileSync(path.join(dir, "events/metric/loss.plx"));
  assertEquals(text.split("\n").length, 5);
  assertOk(text.split("\n")[1].startsWith("1|") && text.split("\n")[1].endsWith("|5.0"));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("resources are sampled to resources/metric/*.plx with an empty step", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plx-res-" });
  const run = new Run({ path: dir, offline: true, exitHandlers: false, trackEnv: false, resources: 20 });
  await new Promise((r) => setTimeout(r, 70));
  await run.end();
  assertEquals(run.diagnostics, []);
  for (const name of ["cpu", "memory", "load"]) {
    const lines = Deno.readTextFileSync(path.join(dir, `resources/metric/${name}.plx`)).split("\n");
    assertEquals(lines[0], "step|timestamp|metric");
    assertOk(lines.length >= 3, `${name}: ${lines.length - 1} samples`);
    for (const l of lines.slice(1)) assertOk(/^\|\d{4}-.*\+00:00\|-?\d+\.\d+(e[+-]\d+)?$/.test(l), l);
  }
  const lineages = JSON.parse(Deno.readTextFileSync(path.join(dir, "lineages.plx.json")));
  assertEquals(lineages.find((l: { name: string }) => l.name === "cpu").kind, "system");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("logArtifact with a step: every artifact kind folder reads back without diagnostics", async () => {
  const { ArtifactKindSchema } = await import("../../src/schema/values.ts");
  const { summarizeFile } = await import("../../src/tracking/summary.ts");
  const dir = await Deno.makeTempDir({ prefix: "plx-kinds-" });
  const file = await Deno.makeTempFile({ suffix: ".bin" });
  const run = new Run({ path: dir, exitHandlers: false, trackEnv: false });
  const kinds = ArtifactKindSchema.options.filter((k) => !["metric", "chart", "curve", "span"].includes(k));
  for (const kind of kinds) run.logArtifact(file, { name: "x", kind, step: 1 });
  await run.end();
  for (const kind of kinds) {
    const s = summarizeFile(dir, `events/${kind}/x.plx`);
    assertEquals(s.diagnostics, [], kind);
    assertEquals(s.rows, 1, kind);
  }
  await Deno.remove(dir, { recursive: true });
});
