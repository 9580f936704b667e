/** The codecs every format shares (src/io): varints, media sniffing, asset copying. */
import { assertEquals } from "../_assert.ts";
import * as path from "node:path";
import { varintSize, writeVarint, zigzag } from "../../src/io/varint.ts";
import { IMAGE_AUDIO_TYPES, sniffExt, sniffMedia, VIDEO_TYPES } from "../../src/io/media.ts";
import { AssetCopier, type AssetSkip, assetSkipReason } from "../../src/io/assets.ts";

Deno.test("writeVarint: LEB128 of non-negative integers, 10-byte two's complement of negatives", async (t) => {
  const cases: [number, number[]][] = [
    [0, [0]],
    [1, [1]],
    [127, [0x7f]],
    [128, [0x80, 1]],
    [300, [0xac, 0x02]],
    [2 ** 32, [0x80, 0x80, 0x80, 0x80, 0x10]],
    [Number.MAX_SAFE_INTEGER, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]],
    [-1, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
    [-2, [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
  ];
  for (const [v, bytes] of cases) {
    await t.step(String(v), () => {
      const buf = new Uint8Array(12).fill(0xaa);
      const end = writeVarint(buf, 1, v);
      assertEquals([...buf.subarray(1, end)], bytes);
      if (v >= 0) assertEquals(varintSize(v), bytes.length);
    });
  }
});

Deno.test("zigzag maps 0, -1, 1, -2 to 0, 1, 2, 3", () => {
  assertEquals([0, -1, 1, -2, 2 ** 40, -(2 ** 40)].map(zigzag), [0, 1, 2, 3, 2 ** 41, 2 ** 41 - 1]);
});

Deno.test("sniffMedia tells media types apart and keeps to the types asked for", () => {
  const b = (...x: number[]) => new Uint8Array([...x, ...new Array(16).fill(0)]);
  const ascii = (s: string) => new TextEncoder().encode(s);
  assertEquals(sniffMedia(b(0x89, 0x50, 0x4e, 0x47)), "png");
  assertEquals(sniffMedia(b(0xff, 0xd8, 0xff)), "jpg");
  assertEquals(sniffMedia(ascii("GIF89a......")), "gif");
  assertEquals(sniffMedia(ascii("RIFF\0\0\0\0WAVEfmt ")), "wav");
  assertEquals(sniffMedia(ascii("RIFF\0\0\0\0WEBPVP8 ")), "webp");
  assertEquals(sniffMedia(ascii("\0\0\0\x18ftypmp42")), "mp4");
  assertEquals(sniffMedia(b(0x1a, 0x45, 0xdf, 0xa3)), "webm");
  assertEquals(sniffMedia(ascii("  <?xml version='1.0'?><svg/>")), "svg");
  assertEquals(sniffMedia(ascii("hello")), null);
  // A BMP is not a video; an mp4 is not an image.
  assertEquals(sniffMedia(ascii("BM\0\0ftypmp42...."), VIDEO_TYPES), "mp4");
  assertEquals(sniffMedia(ascii("BM\0\0ftypmp42....")), "bmp");
  assertEquals(sniffMedia(ascii("\0\0\0\x18ftypmp42"), IMAGE_AUDIO_TYPES), null);
  assertEquals(sniffExt(ascii("\0\0\0\x18ftypmp42")), "bin");
  assertEquals(sniffExt(ascii("GIF87a")), "gif");
});

Deno.test("AssetCopier checks the path before reading, and copies each asset once", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const reads: string[] = [];
    const skipped: [AssetSkip, string][] = [];
    const copier = new AssetCopier(path.join(dir, "out"), (why, rel) => skipped.push([why, rel]));
    const read = (rel: string) => {
      reads.push(rel);
      return Promise.resolve(rel.includes("missing") ? null : new TextEncoder().encode(rel));
    };
    await copier.copy(["assets/a.png", "../escape.png", "assets/missing.png", "assets/a.png"], read);
    await copier.copy(["assets/a.png", "/abs/missing.png"], read);
    // The path outside is never read, whether or not the source has it.
    assertEquals(reads, ["assets/a.png", "assets/missing.png"]);
    assertEquals(skipped, [["outside", "../escape.png"], ["missing", "assets/missing.png"], [
      "outside",
      "/abs/missing.png",
    ]]);
    assertEquals(await Deno.readTextFile(path.join(dir, "out", "assets", "a.png")), "assets/a.png");
    assertEquals(
      assetSkipReason("parquet", "outside"),
      "parquet: asset path outside the run (event kept, file not copied)",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
