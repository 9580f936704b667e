import { assertEquals, assertOk } from "../_assert.ts";
import { run } from "../_cli.ts";

const FIX = new URL("../../fixtures/", import.meta.url).pathname;

Deno.test("validate --jobs N: the report is byte-identical to --jobs 1, in every format", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plxkit-jobs-" });
  try {
    // A store of small runs (more runs than the window, so workers get most of them), some invalid.
    for (let r = 0; r < 40; r++) {
      const id = r.toString(16).padStart(32, "0");
      await Deno.mkdir(`${dir}/${id}/events/metric`, { recursive: true });
      const rows = ["step|timestamp|metric"];
      for (let i = 0; i < 50; i++) {
        rows.push(`${i}|2025-01-01 00:00:${String(i % 60).padStart(2, "0")}|${i / 7}`);
      }
      if (r % 9 === 4) rows.push("x|not a time|1");
      await Deno.writeTextFile(`${dir}/${id}/events/metric/loss.plx`, rows.join("\n"));
    }
    const inputs = [dir, FIX + "runs", FIX + "bad", FIX + "tensorboard"];
    for (const format of ["text", "json", "junit"]) {
      const one = await run("validate", ...inputs, "--format", format, "--jobs", "1");
      for (const jobs of ["2", "3"]) {
        const many = await run("validate", ...inputs, "--format", format, "--jobs", jobs);
        assertEquals(many.code, one.code);
        assertEquals(many.out, one.out, `--format ${format} --jobs ${jobs}`);
      }
      assertEquals(one.code, 1);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("validate --jobs rejects what is not a positive integer (exit 2, naming the flag)", async () => {
  for (const bad of ["0", "-1", "two", "1.5"]) {
    const r = await run("validate", FIX + "runs", "--jobs", bad);
    assertEquals(r.code, 2);
    assertOk(r.err.includes("--jobs"), r.err);
  }
});
