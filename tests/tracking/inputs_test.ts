import * as path from "node:path";
import { Run } from "../../src/tracking/run.ts";
import { encodePng } from "../../src/tracking/images.ts";
import { summarizeFile } from "../../src/tracking/summary.ts";
import { assertEquals } from "../_assert.ts";

const rows = (dir: string, rel: string) =>
  Deno.readTextFileSync(path.join(dir, rel)).split("\n").slice(1).map((l) => {
    const cell = l.startsWith("{") ? JSON.parse(l)[rel.split("/")[1]] : l.split("|")[2];
    return JSON.parse(cell);
  });

Deno.test("file paths and encoded bytes as inputs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plx-inputs-" });
  const src = await Deno.makeTempDir();
  const png = encodePng(new Uint8Array(2 * 3 * 4).fill(9), 2, 3, 4);
  // A minimal baseline JPEG header: SOI, APP0, SOF0 (8 bit, 5 x 7, 3 components).
  const jpg = new Uint8Array([
    0xff,
    0xd8,
    0xff,
    0xe0,
    0x00,
    0x04,
    0x00,
    0x00,
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    0x00,
    0x05,
    0x00,
    0x07,
    0x03,
    1,
    0x22,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
    0xff,
    0xd9,
  ]);
  await Deno.writeFile(path.join(src, "Photo.JPG"), jpg);
  await Deno.writeFile(
    path.join(src, "clip.mp4"),
    new Uint8Array([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d]),
  );
  await Deno.writeFile(path.join(src, "voice.flac"), new Uint8Array([0x66, 0x4c, 0x61, 0x43]));
  const run = new Run({ path: dir, exitHandlers: false, trackEnv: false });
  run.logImage(png, { name: "png-bytes", step: 1 });
  run.logImage(jpg, { name: "jpg-bytes", step: 1 });
  run.logImage(path.join(src, "Photo.JPG"), { step: 2 });
  run.logVideo(path.join(src, "clip.mp4"), { step: 1 });
  run.logVideo(Deno.readFileSync(path.join(src, "clip.mp4")), { name: "bytes" });
  run.logAudio(path.join(src, "voice.flac"));
  run.logAudio(path.join(src, "voice.flac"), { name: "typed", contentType: "audio/flac", step: 3 });
  run.logDataframe("report", "<table></table>", { contentType: "html" });
  await run.end();
  assertEquals(rows(dir, "events/image/png-bytes.plx"), [
    { height: 2, width: 3, colorspace: 4, path: "assets/image/png-bytes_1.png" },
  ]);
  assertEquals(rows(dir, "events/image/jpg-bytes.plx"), [
    { height: 5, width: 7, colorspace: 3, path: "assets/image/jpg-bytes_1.jpg" },
  ]);
  assertEquals(rows(dir, "events/image/Photo.plx"), [{ path: "assets/image/Photo_2.jpg" }]);
  assertEquals(Deno.readFileSync(path.join(dir, "assets/image/Photo_2.jpg")), jpg);
  assertEquals(Deno.readFileSync(path.join(dir, "assets/image/png-bytes_1.png")), png);
  assertEquals(rows(dir, "events/video/clip.plx"), [{
    path: "assets/video/clip_1.mp4",
    content_type: "mp4",
  }]);
  assertEquals(rows(dir, "events/video/bytes.plx"), [{
    path: "assets/video/bytes.mp4",
    content_type: "mp4",
  }]);
  assertEquals(rows(dir, "events/audio/voice.plx"), [{ path: "assets/audio/voice.flac" }]);
  assertEquals(rows(dir, "events/audio/typed.plx"), [{
    path: "assets/audio/typed_3.flac",
    content_type: "audio/flac",
  }]);
  assertEquals(rows(dir, "events/dataframe/report.plx"), [{
    path: "assets/dataframe/report.html",
    content_type: "html",
  }]);
  assertEquals(Deno.readTextFileSync(path.join(dir, "assets/dataframe/report.html")), "<table></table>");
  for (
    const rel of [
      "image/png-bytes",
      "image/jpg-bytes",
      "image/Photo",
      "video/clip",
      "audio/typed",
      "dataframe/report",
    ]
  ) {
    assertEquals(summarizeFile(dir, `events/${rel}.plx`).diagnostics, [], rel);
  }
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(src, { recursive: true });
});
