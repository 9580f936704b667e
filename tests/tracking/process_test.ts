import * as path from "node:path";
import { PlxReader } from "../../src/formats/plx/read.ts";
import type { PlxEvent } from "../../src/model/event.ts";
import { assertEquals, assertOk } from "../_assert.ts";

const CHILD = path.join(path.dirname(new URL(import.meta.url).pathname), "_child.ts");

function spawn(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CHILD, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

/** Reads a run file with PlxReader; returns events and diagnostics. */
async function readPlx(dir: string, rel: string) {
  const [scope, kind, file] = rel.split("/");
  const reader = new PlxReader({
    run: "r",
    scope: scope as "events",
    kind,
    name: file.slice(0, -4),
    file: rel,
  });
  const events: PlxEvent[] = [];
  const diagnostics = [];
  for await (const b of reader.read([await Deno.readFile(path.join(dir, rel))])) {
    events.push(...b.events);
    diagnostics.push(...b.diagnostics);
  }
  return { events, diagnostics };
}

async function lines(stream: ReadableStream<Uint8Array>, onLine: (l: string) => boolean): Promise<void> {
  const dec = new TextDecoder();
  let buf = "";
  for await (const chunk of stream) {
    buf += dec.decode(chunk, { stream: true });
    let i;
    while ((i = buf.indexOf("\n")) !== -1) {
      const l = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (onLine(l)) return;
    }
  }
}

Deno.test("SIGKILL loses only unflushed events; every written line is intact", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plx-crash-" });
  const child = spawn(["crash", dir]);
  let flushed = 0;
  let reports = 0;
  await lines(child.stdout, (l) => {
    flushed = Number(l.split(" ")[1]);
    return ++reports >= 5;
  });
  child.kill("SIGKILL");
  const status = await child.status;
  assertEquals(status.signal, "SIGKILL");
  for (const rel of ["events/metric/loss.plx", "events/text/log.plx"]) {
    const { events, diagnostics } = await readPlx(dir, rel);
    assertEquals(diagnostics, [], rel);
    assertOk(events.length >= flushed, `${rel}: ${events.length} events < ${flushed} flushed`);
    events.forEach((e, i) => assertEquals(e.step, i, `${rel} row ${i}`));
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("two processes appending to the same files never interleave inside a line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plx-concurrent-" });
  const a = spawn(["concurrent", dir, "a"]);
  const b = spawn(["concurrent", dir, "b"]);
  const [sa, sb] = await Promise.all([a.output(), b.output()]);
  assertOk(sa.success && sb.success);
  const text = await readPlx(dir, "events/text/shared.plx");
  assertEquals(text.diagnostics, []);
  assertEquals(text.events.length, 6000);
  for (const e of text.events) {
    const v = e.value as string;
    const tag = v[0];
    assertEquals(v, `${tag}${e.step} ${tag.repeat(3000)}`);
  }
  const metric = await readPlx(dir, "events/metric/shared.plx");
  assertEquals(metric.diagnostics, []);
  assertEquals(metric.events.length, 6000);
  const raw = await Deno.readTextFile(path.join(dir, "events/metric/shared.plx"));
  assertEquals(raw.split("\n")[0], "step|timestamp|metric");
  assertEquals(raw.split("step|timestamp").length, 2, "exactly one header");
  await Deno.remove(dir, { recursive: true });
});

for (const sig of ["SIGTERM", "SIGINT"] as const) {
  Deno.test(`${sig} flushes, marks the offline run failed, then terminates`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "plx-signal-" });
    const child = spawn(["signal", dir]);
    await lines(child.stdout, (l) => l === "logged");
    child.kill(sig);
    const status = await child.status;
    assertEquals(status.signal, sig);
    const { events } = await readPlx(dir, "events/metric/loss.plx");
    assertEquals(events.map((e) => e.value), [0.5, 0.25]);
    const run = JSON.parse(await Deno.readTextFile(path.join(dir, "run.plx.json")));
    assertEquals(run.status, "failed");
    assertEquals(run.status_conditions.at(-1).reason, sig);
    await Deno.remove(dir, { recursive: true });
  });
}

Deno.test("a normal exit without end() flushes and ends the run (unload)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plx-exit-" });
  const out = await spawn(["exit", dir]).output();
  assertOk(out.success);
  const { events, diagnostics } = await readPlx(dir, "events/metric/loss.plx");
  assertEquals(diagnostics, []);
  assertEquals(events.length, 1000);
  const run = JSON.parse(await Deno.readTextFile(path.join(dir, "run.plx.json")));
  assertEquals(run.status, "succeeded");
  const lineages = JSON.parse(await Deno.readTextFile(path.join(dir, "lineages.plx.json")));
  assertEquals(lineages.find((l: { name: string }) => l.name === "loss").summary.metric.last, 999.0);
  await Deno.remove(dir, { recursive: true });
});
