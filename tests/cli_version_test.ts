/**
 * `plxkit --version` starts without loading formats (issue 16): its written-out format list must equal the
 * registry's, and the real entry point must print the same text as the in-process command.
 */
import { assertEquals } from "./_assert.ts";
import { FORMAT_CAPABILITIES, versionText } from "../src/cli/version.ts";
import { FORMATS } from "../src/formats/registry.ts";
import { run } from "./_cli.ts";

Deno.test("--version: the written-out format list is the registry's, in its order", () => {
  assertEquals(
    FORMAT_CAPABILITIES.map(([n, d]) => [n, d]),
    FORMATS.map((f) => [f.name, [f.source ? "read" : "", f.sink ? "write" : ""].filter(Boolean).join("/")]),
  );
});

Deno.test("--version through cli.ts's fast path prints what the command line prints", async () => {
  const entry = new URL("../cli.ts", import.meta.url).pathname;
  const p = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", entry, "--version"],
    stdout: "piped",
  })
    .output();
  assertEquals(p.code, 0);
  assertEquals(new TextDecoder().decode(p.stdout), versionText());
  assertEquals((await run("--version")).out, versionText());
});
