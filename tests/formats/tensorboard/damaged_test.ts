import fc from "../../_fc.ts";
import { concatBytes } from "../../../src/io/bytes.ts";
import { assertEquals } from "../../_assert.ts";
import { maskedCrc32c } from "../../../src/formats/tensorboard/crc32c.ts";
import { ProtoWriter } from "../../../src/formats/tensorboard/_proto_write.ts";
import { frameRecord, scanRecords } from "../../../src/formats/tensorboard/tfrecord.ts";
import { TensorboardRunReader } from "../../../src/formats/tensorboard/read.ts";
import { validateTensorboardRun } from "../../../src/formats/tensorboard/source.ts";
import type { Diagnostic } from "../../../src/diagnostics.ts";
import type { PlxEvent } from "../../../src/model/event.ts";
import { RECORD_A, RECORD_B } from "./_vectors.ts";

const FILE = "events.out.tfevents.1700000000.testhost.1.0";
const hex8 = (n: number) => "0x" + n.toString(16).padStart(8, "0");

const cat = (...parts: Uint8Array[]) => concatBytes(parts);

/** A simple_value event record. */
function scalar(step: number, value: number, wall = 1700000000 + step): Uint8Array {
  const w = new ProtoWriter();
  w.double(1, wall);
  w.uint(2, step);
  const s = w.begin(5);
  const v = w.begin(1);
  w.string(1, "loss");
  w.float(2, value);
  w.end(v);
  w.end(s);
  return frameRecord(w.finish());
}

async function read(
  bytes: Uint8Array,
  chunk = 1 << 20,
  knownSize = true,
): Promise<{ events: PlxEvent[]; diags: Diagnostic[] }> {
  const r = new TensorboardRunReader("run");
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.slice(i, i + chunk));
  const events: PlxEvent[] = [];
  const diags: Diagnostic[] = [];
  for await (const b of r.readFile(FILE, chunks, knownSize ? bytes.length : undefined)) {
    events.push(...b.events);
    diags.push(...b.diagnostics);
  }
  return { events, diags };
}

const steps = (es: PlxEvent[]) => es.map((e) => e.step);

Deno.test("spec §9: A + B + 10 stray bytes gives one event and a torn-tail warning", async () => {
  const { events, diags } = await read(cat(RECORD_A, RECORD_B, new Uint8Array(10).fill(7)));
  assertEquals(events.map((e) => [e.name, e.step, e.value]), [["loss", 5, 0.25]]);
  assertEquals(diags, [{
    severity: "warning",
    code: "truncated-record",
    file: FILE,
    offset: 82,
    message:
      "10 bytes at the end do not make a whole record (the writer may still be running, or stopped mid-write); ignored",
  }]);
});

Deno.test("torn last record (cut inside the body) is a warning; earlier records are read", async () => {
  const good = cat(scalar(0, 1), scalar(1, 2));
  const torn = scalar(2, 3).subarray(0, 20);
  for (const chunk of [3, 7, 1 << 20]) {
    const { events, diags } = await read(cat(good, torn), chunk);
    assertEquals(steps(events), [0, 1]);
    assertEquals(diags.map((d) => [d.severity, d.code, d.offset, d.message]), [[
      "warning",
      "truncated-record",
      good.length,
      "the last record (26 bytes of data) is cut short: 20 of 42 bytes present " +
      "(the writer may still be running, or stopped mid-write); ignored",
    ]]);
  }
});

Deno.test("bad length CRC stops the file with an error naming the offset", async () => {
  const second = scalar(1, 2);
  second[8] ^= 0xff;
  const bytes = cat(scalar(0, 1), second, scalar(2, 3));
  const stored = new DataView(second.buffer).getUint32(8, true);
  const { events, diags } = await read(bytes);
  assertEquals(steps(events), [0]);
  assertEquals(diags, [{
    severity: "error",
    code: "bad-length-crc",
    file: FILE,
    offset: 42,
    message: `record length checksum mismatch (stored ${hex8(stored)}, computed ${
      hex8(maskedCrc32c(second, 0, 8))
    }): the file is damaged here; the rest of the file is not read`,
  }]);
});

Deno.test("bad data CRC skips that record only", async () => {
  const second = scalar(1, 2);
  second[30] ^= 0x01; // inside the payload
  const stored = new DataView(second.buffer).getUint32(second.length - 4, true);
  const { events, diags } = await read(cat(scalar(0, 1), second, scalar(2, 3)));
  assertEquals(steps(events), [0, 2]);
  assertEquals(diags, [{
    severity: "error",
    code: "bad-data-crc",
    file: FILE,
    offset: 42,
    message: `record of 26 bytes: data checksum mismatch (stored ${hex8(stored)}, computed ${
      hex8(maskedCrc32c(second, 12, second.length - 4))
    }); record skipped`,
  }]);
});

Deno.test("a record that is not an Event protobuf is skipped with its offset", async () => {
  const bad = frameRecord(new Uint8Array([0x2a, 0x7f, 0x00]));
  const { events, diags } = await read(cat(scalar(0, 1), bad, scalar(2, 3)));
  assertEquals(steps(events), [0, 2]);
  assertEquals(diags, [{
    severity: "error",
    code: "bad-protobuf",
    file: FILE,
    offset: 42,
    message: "record of 3 bytes is not a valid Event protobuf (length 127 runs past the end of the message " +
      "(1 left) at byte 2 of the record); record skipped",
  }]);
});

Deno.test("a length field larger than the file is an error, not an allocation", async () => {
  const head = new Uint8Array(12);
  const v = new DataView(head.buffer);
  v.setUint32(0, 1_000_000_000, true);
  v.setUint32(8, maskedCrc32c(head, 0, 8), true);
  const bytes = cat(scalar(0, 1), head, new Uint8Array(40));
  const { events, diags } = await read(bytes);
  assertEquals(steps(events), [0]);
  assertEquals(diags, [{
    severity: "error",
    code: "bad-length",
    file: FILE,
    offset: 42,
    message: "record length 1000000000 is larger than the whole file (94 bytes): the file is damaged here; " +
      "the rest of the file is not read",
  }]);
  // Without a known size, the 2 GiB cap applies to absurd lengths.
  v.setUint32(4, 5, true);
  v.setUint32(8, maskedCrc32c(head, 0, 8), true);
  const r2 = await read(cat(head, new Uint8Array(40)), 1 << 20, false);
  assertEquals(r2.diags[0].code, "bad-length");
  assertEquals(
    r2.diags[0].message,
    "record length 22474836480 is larger than the limit (2147483648 bytes): the file is damaged here; " +
      "the rest of the file is not read",
  );
});

Deno.test("NaN wall time: event skipped with an error; infinite: warning", async () => {
  const { events, diags } = await read(cat(scalar(0, 1), scalar(1, 2, NaN), scalar(2, 3, Infinity)));
  assertEquals(steps(events), [0]);
  assertEquals(diags.map((d) => [d.severity, d.code, d.offset, d.message]), [
    ["error", "nan-wall-time", 42, "event at step 1 has a NaN wall_time; event skipped"],
    [
      "warning",
      "infinite-wall-time",
      84,
      "event at step 2 has an infinite wall_time; event skipped (as TensorBoard does)",
    ],
  ]);
});

Deno.test("garbage bytes: not an event file at offset 0; garbage in the middle stops there", async () => {
  const garbage = new TextEncoder().encode("this is not a tensorboard file, just text\n");
  const want = maskedCrc32c(garbage, 0, 8);
  const stored = new DataView(garbage.buffer).getUint32(8, true);
  const a = await read(garbage);
  assertEquals(a.events, []);
  assertEquals(a.diags, [{
    severity: "error",
    code: "not-event-file",
    file: FILE,
    offset: 0,
    message: `does not start with a TFRecord header (length checksum ${hex8(stored)}, expected ${
      hex8(want)
    }): not a TensorBoard event file, or damaged at the start`,
  }]);
  const b = await read(cat(scalar(0, 1), garbage, scalar(1, 2)));
  assertEquals(steps(b.events), [0]);
  assertEquals(b.diags.map((d) => [d.code, d.offset]), [["bad-length-crc", 42]]);
});

Deno.test("any chunking gives the same records", async () => {
  const file = cat(RECORD_A, ...Array.from({ length: 20 }, (_, i) => scalar(i, i / 2)), RECORD_B);
  const whole: Uint8Array[] = [];
  for await (const r of scanRecords([file])) if ("data" in r) whole.push(r.data.slice());
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 1, max: 90 }), { minLength: 1, maxLength: 30 }),
      async (cuts) => {
        const chunks: Uint8Array[] = [];
        let at = 0, i = 0;
        while (at < file.length) {
          const n = cuts[i++ % cuts.length];
          chunks.push(file.slice(at, at + n));
          at += n;
        }
        const got: Uint8Array[] = [];
        for await (const r of scanRecords(chunks)) if ("data" in r) got.push(r.data.slice());
        assertEquals(got, whole);
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("validateTensorboardRun reports each damaged file with offsets", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const second = scalar(1, 2);
    second[30] ^= 1;
    await Deno.writeFile(`${dir}/${FILE}`, cat(RECORD_A, scalar(0, 1), second, scalar(2, 3)));
    await Deno.writeFile(
      `${dir}/events.out.tfevents.1700000001.testhost.1.1`,
      cat(scalar(3, 4), RECORD_B.slice(0, 5)),
    );
    await Deno.writeFile(`${dir}/events.out.tfevents.1.host.profile-empty`, new Uint8Array(0));
    const r = await validateTensorboardRun(dir, "r1");
    assertEquals(r.format, "tensorboard");
    assertEquals(
      r.files.map((
        f,
      ) => [f.file, f.events, f.bytes, f.diagnostics.map((d) => [d.severity, d.code, d.offset])]),
      [
        [FILE, 2, 166, [["error", "bad-data-crc", 82]]],
        ["events.out.tfevents.1700000001.testhost.1.1", 1, 47, [
          ["warning", "truncated-record", 42],
          ["warning", "no-file-version", 0],
        ]],
      ],
    );
    const empty = await Deno.makeTempDir();
    const r2 = await validateTensorboardRun(empty, "r2");
    assertEquals(r2.diagnostics.map((d) => d.code), ["no-event-files"]);
    await Deno.remove(empty);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
