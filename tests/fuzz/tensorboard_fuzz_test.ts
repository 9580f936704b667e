/**
 * Fuzzing the TensorBoard reader with random bytes and mutations of real event files (tensorboardX and
 * TF2 writers): events plus diagnostics naming the file and a byte offset; never an exception or a hang,
 * never memory taken from a length field.
 */
import { assertOk } from "../_assert.ts";
import { fuzzReader } from "./_harness.ts";
import { TensorboardRunReader } from "../../src/formats/tensorboard/read.ts";

const LOGDIRS = new URL("../../fixtures/tensorboard/logdirs/", import.meta.url).pathname;

async function seeds(): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      if (e.isDirectory) await walk(`${d}/${e.name}`);
      else if (e.name.includes("tfevents")) {
        const b = await Deno.readFile(`${d}/${e.name}`);
        if (b.length <= 16_384) out.push(b);
      }
    }
  };
  await walk(LOGDIRS);
  return out;
}

Deno.test("fuzz: TensorBoard event files", async () => {
  const s = await seeds();
  assertOk(s.length >= 3, "seed files found");
  const FILE = "events.out.tfevents.1.fuzz";
  await fuzzReader(s, async (bytes) => {
    const r = new TensorboardRunReader("fuzz");
    for await (const b of r.readFile(FILE, [bytes], bytes.length)) {
      for (const d of b.diagnostics) {
        assertOk(typeof d.message === "string" && d.message.length > 0);
        if (d.severity !== "info" && d.file === FILE) {
          assertOk(d.offset !== undefined || d.line !== undefined, d.message);
        }
      }
    }
    r.finish();
  }, Math.min(Number(Deno.env.get("PLXKIT_FUZZ_RUNS") ?? 150), 20000));
});

Deno.test("a record claiming 2^60 bytes is reported without allocating it", async () => {
  const header = new Uint8Array(12);
  const dv = new DataView(header.buffer);
  dv.setBigUint64(0, 1n << 60n, true);
  const r = new TensorboardRunReader("big");
  const before = Deno.memoryUsage().rss;
  const diags = [];
  for await (const b of r.readFile("events.out.tfevents.1.big", [header], header.length)) {
    diags.push(...b.diagnostics);
  }
  assertOk(Deno.memoryUsage().rss - before < 64e6, "no large allocation");
  assertOk(diags.length >= 1 && diags.every((d) => d.offset === 0), JSON.stringify(diags));
});
