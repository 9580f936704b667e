import { assertEquals } from "../../_assert.ts";
import { discover, listRun } from "../../../src/formats/plx/layout.ts";
import { validatePaths } from "../../../src/validate/validate.ts";

const H = "step|timestamp|metric\n1|2025-03-01 09:15:02+00:00|0.5";

Deno.test("discovery finds runs in a tree, follows links once, reports loops, FIFOs and broken links", async () => {
  const root = await Deno.makeTempDir();
  for (const id of ["a", "b"]) {
    await Deno.mkdir(`${root}/offline/runs/${id}/events/metric`, { recursive: true });
    await Deno.writeTextFile(`${root}/offline/runs/${id}/events/metric/loss.plx`, H);
  }
  await Deno.symlink(`${root}/offline`, `${root}/offline/runs/loop`); // a loop back up the tree
  await Deno.symlink(`${root}/nowhere`, `${root}/offline/runs/a/events/metric/gone.plx`);
  await new Deno.Command("mkfifo", { args: [`${root}/offline/runs/b/events/metric/pipe.plx`] }).output();
  const found: string[] = [];
  const diags: string[] = [];
  for await (const t of discover([root])) {
    if ("severity" in t) diags.push(`${t.code}`);
    else if (t.type === "run") found.push(t.run.id);
  }
  assertEquals(found, ["a", "b"]);
  assertEquals(diags, ["symlink-loop"]);
  const entries: string[] = [];
  for await (const e of listRun({ id: "a", path: `${root}/offline/runs/a` })) {
    entries.push("severity" in e ? `${e.code}:${e.file}` : e.rel);
  }
  assertEquals(entries, ["io:events/metric/gone.plx", "events/metric/loss.plx"]);
  const reports = [];
  for await (const r of validatePaths([`${root}/offline/runs/b`])) reports.push(r);
  assertEquals(reports[0].diagnostics.map((d) => [d.code, d.file, d.message]), [[
    "not-a-file",
    "events/metric/pipe.plx",
    "not a regular file (a FIFO, socket or device); skipped",
  ]]);
  await Deno.remove(root, { recursive: true });
});
