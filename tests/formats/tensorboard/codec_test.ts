import fc from "../../_fc.ts";
import { assertEquals, assertThrows } from "../../_assert.ts";
import { crc32c, maskCrc, maskedCrc32c } from "../../../src/formats/tensorboard/crc32c.ts";
import { ProtoError, ProtoReader } from "../../../src/formats/tensorboard/_proto.ts";
import { ProtoWriter } from "../../../src/formats/tensorboard/_proto_write.ts";
import { frameRecord, scanRecords } from "../../../src/formats/tensorboard/tfrecord.ts";
import { decodeEvent } from "../../../src/formats/tensorboard/_messages.ts";
import { decodeHParams, encodeHParams } from "../../../src/formats/tensorboard/plugins/hparams.ts";
import { DT, tensorNumbers } from "../../../src/formats/tensorboard/_tensor.ts";

import { hex, RECORD_A, RECORD_B, VALUE_C } from "./_vectors.ts";

const ascii = (s: string) => new TextEncoder().encode(s);

Deno.test("crc32c matches the check values of spec §1 and RFC 3720", () => {
  assertEquals(crc32c(ascii("123456789")), 0xe3069283);
  assertEquals(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assertEquals(crc32c(new Uint8Array(0)), 0);
});

Deno.test("masked CRC test vectors of spec §1", () => {
  const data = new Uint8Array([0x1a, 0x11, ...ascii("CRC test, one two")]);
  assertEquals(maskedCrc32c(data), 0x5794d08a);
  const len24 = new Uint8Array([24, 0, 0, 0, 0, 0, 0, 0]);
  assertEquals(maskCrc(crc32c(len24)), 575373219);
  assertEquals(maskedCrc32c(len24), 0x224b7fa3);
});

Deno.test("slicing-by-8 equals the bytewise definition at any offset and length", () => {
  const bytewise = (b: Uint8Array, s: number, e: number) => {
    let c = 0xffffffff;
    for (let i = s; i < e; i++) {
      c ^= b[i];
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    }
    return (c ^ 0xffffffff) >>> 0;
  };
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), fc.nat(), (b, x, y) => {
      const s = b.length ? x % b.length : 0;
      const e = s + (b.length - s ? y % (b.length - s + 1) : 0);
      return crc32c(b, s, e) === bytewise(b, s, e);
    }),
  );
});

Deno.test("frameRecord reproduces spec §9 records A and B byte for byte", () => {
  assertEquals(frameRecord(RECORD_A.subarray(12, RECORD_A.length - 4)), RECORD_A);
  assertEquals(frameRecord(RECORD_B.subarray(12, RECORD_B.length - 4)), RECORD_B);
});

Deno.test("decodeEvent reads spec §9 A, B and the TF2 value C", async () => {
  const records = [];
  for await (const r of scanRecords([RECORD_A, RECORD_B])) records.push(r);
  assertEquals(records.length, 2);
  const a = decodeEvent((records[0] as { data: Uint8Array }).data);
  assertEquals([a.wallTime, a.fileVersion], [1700000000.5, "brain.Event:2"]);
  const b = decodeEvent((records[1] as { data: Uint8Array }).data);
  assertEquals([b.wallTime, b.step, b.summary![0].tag, b.summary![0].simpleValue], [
    1700000001,
    5,
    "loss",
    0.25,
  ]);
  // C inside an Event: summary (field 5) { value (field 1) { C } }.
  const w = new ProtoWriter();
  w.uint(2, 6);
  const s = w.begin(5);
  w.bytes(1, VALUE_C);
  w.end(s);
  const c = decodeEvent(w.finish());
  const v = c.summary![0];
  assertEquals(v.metadata!.pluginName, "scalars");
  assertEquals(v.tensor!.dtype, DT.FLOAT);
  assertEquals(tensorNumbers(v.tensor!), [0.25]);
});

Deno.test("varints: writer and reader agree for any safe integer, negatives in 10 bytes", () => {
  fc.assert(
    fc.property(fc.maxSafeInteger(), (n) => {
      const w = new ProtoWriter(4);
      w.uint(2, n);
      const bytes = w.finish();
      if (n < 0 && bytes.length !== 11) return false;
      const r = new ProtoReader(bytes);
      r.tag();
      return r.int64() === n;
    }),
  );
});

Deno.test("repeated numeric fields decode packed and unpacked", () => {
  // TensorProto dtype DOUBLE, double_val 1.5 and 2.5 packed, then 3.5 unpacked.
  const w = new ProtoWriter();
  w.uint(1, DT.DOUBLE);
  w.doubles(6, [1.5, 2.5]);
  w.double(6, 3.5);
  const shape = w.begin(2);
  const d = w.begin(2);
  w.uint(1, 3);
  w.end(d);
  w.end(shape);
  const ev = new ProtoWriter();
  const s = ev.begin(5);
  const v = ev.begin(1);
  ev.string(1, "t");
  ev.bytes(8, w.finish());
  ev.end(v);
  ev.end(s);
  const t = decodeEvent(ev.finish()).summary![0].tensor!;
  assertEquals(tensorNumbers(t), [1.5, 2.5, 3.5]);
});

Deno.test("nested lengths over 127 bytes are fixed up", () => {
  const w = new ProtoWriter(8);
  const m = w.begin(5);
  const v = w.begin(1);
  w.string(1, "x".repeat(300));
  w.end(v);
  w.end(m);
  assertEquals(decodeEvent(w.finish()).summary![0].tag, "x".repeat(300));
});

Deno.test("decoder rejects lengths past the end, bad keys and over-long varints", () => {
  assertThrows(() => decodeEvent(new Uint8Array([0x2a, 0x7f, 0x00])), ProtoError, "runs past the end");
  assertThrows(() => decodeEvent(new Uint8Array([0x00])), ProtoError, "invalid field key");
  assertThrows(() => decodeEvent(new Uint8Array([0x0b])), ProtoError, "wire type 3");
  assertThrows(
    () =>
      decodeEvent(new Uint8Array([0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])),
    ProtoError,
    "longer than 10 bytes",
  );
});

Deno.test("a nested length running past its parent message is rejected, even inside the record", () => {
  // summary (len 4) { value (len 10: claims more than the 2 bytes its parent has left) } + 8 more bytes.
  const bad = new Uint8Array([
    0x2a,
    0x04,
    0x0a,
    0x0a,
    0x0a,
    0x00,
    0x10,
    0x01,
    0x10,
    0x01,
    0x10,
    0x01,
    0x10,
    0x01,
  ]);
  assertThrows(() => decodeEvent(bad), ProtoError, "runs past the end");
  // A tensor whose declared length is shorter than its content (the bug this test guards against).
  const w = new ProtoWriter();
  const s = w.begin(5);
  const v = w.begin(1);
  w.string(1, "t");
  w.raw(new Uint8Array([0x42, 0x0c, 0x08, 0x02, 0x12, 0x00, 0x22, 0x08, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]));
  w.end(v);
  w.end(s);
  assertThrows(() => decodeEvent(w.finish()), ProtoError);
});

Deno.test("hparams content: tensorboardX golden bytes decode; our encoder round-trips", () => {
  // spec §4.7: experiment, session start (lr = 0.1), session end.
  const exp = hex("12 16 22 06 0a 02 6c 72 20 03 2a 0c 0a 0a 12 08 61 63 63 75 72 61 63 79");
  assertEquals(decodeHParams(exp).experiment, {
    hparams: [{ name: "lr", type: 3 }],
    metrics: [{ tag: "accuracy" }],
  });
  const f64 = new Uint8Array(new Float64Array([0.1]).buffer);
  const start = new Uint8Array([...hex("1a 11 0a 0f 0a 02 6c 72 12 09 11"), ...f64]);
  assertEquals(decodeHParams(start).sessionStart, { hparams: { lr: 0.1 } });
  assertEquals(decodeHParams(hex("22 02 08 01")).sessionEnd, { status: 1 });
  const w = new ProtoWriter();
  encodeHParams(w, { experiment: { hparams: [{ name: "lr", type: 3 }], metrics: [{ tag: "accuracy" }] } });
  assertEquals(w.finish(), exp);
  const w2 = new ProtoWriter();
  encodeHParams(w2, { sessionStart: { hparams: { lr: 0.1 } } });
  assertEquals(w2.finish(), start);
});

Deno.test("tensors of every numeric dtype decode from tensor_content and typed fields", () => {
  const content = (dtype: number, bytes: number[]) => ({
    dtype,
    shape: [],
    content: new Uint8Array(bytes),
    values: [],
    strings: [],
  });
  assertEquals(tensorNumbers(content(DT.INT64, [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), [-2]);
  assertEquals(tensorNumbers(content(DT.HALF, [0x00, 0x3c])), [1]);
  assertEquals(tensorNumbers(content(DT.BFLOAT16, [0x80, 0x3f])), [1]);
  assertEquals(tensorNumbers(content(DT.UINT8, [200])), [200]);
  assertEquals(tensorNumbers(content(DT.INT8, [200])), [-56]);
  assertEquals(tensorNumbers({ dtype: DT.INT32, shape: [3], content: null, values: [7], strings: [] }), [
    7,
    7,
    7,
  ]);
  assertThrows(() => tensorNumbers(content(DT.FLOAT, [1, 2, 3])), RangeError, "needs 4");
  assertThrows(() => tensorNumbers(content(DT.STRING, [])), RangeError, "not numeric");
});
