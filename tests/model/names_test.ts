import { assertEquals, assertThrows } from "../_assert.ts";
import { assetPath, splitFileName, toFqnName } from "../../src/model/names.ts";

Deno.test("toFqnName follows Polyaxon's name rules", async (t) => {
  const table: [string, string][] = [
    ["train/loss", "train__loss"],
    ["val.acc", "val-acc"],
    ["top 5 acc", "top-5-acc"],
    ["lr@ep", "lrep"],
    ["/x", "__x"],
    ["a.", "a-"],
    ["a_b", "a_b"],
    ["Loss", "Loss"],
    ["café", "cafe"],
    ["日本", ""],
    ["a\\\\b//c", "a__b__c"],
    ["  padded  ", "padded"],
    ["a\x1cb", "a-b"],
    ["\x1fa\x1f", "a"],
    ["a - . b", "a-b"],
  ];
  for (const [inp, out] of table) await t.step(JSON.stringify(inp), () => assertEquals(toFqnName(inp), out));
  assertThrows(() => toFqnName(""), TypeError, "A name is required");
});

Deno.test("file names split at the first dot with a lower-case extension", () => {
  assertEquals(splitFileName("/x/a.tar.gz"), { base: "a", ext: "tar.gz" });
  assertEquals(splitFileName("IMG.JPG"), { base: "IMG", ext: "jpg" });
  assertEquals(splitFileName("model.v2.pkl"), { base: "model", ext: "v2.pkl" });
  assertEquals(splitFileName(".env"), { base: "", ext: "env" });
  assertEquals(splitFileName("noext"), { base: "noext", ext: "" });
  assertEquals(assetPath("image", "sample", 1, "png"), "assets/image/sample_1.png");
  assertEquals(assetPath("model", "m", null, ""), "assets/model/m");
  assertEquals(assetPath("audio", "a", -2, "wav"), "assets/audio/a_-2.wav");
});
