/**
 * The TypeScript examples in README.md and docs/*.md must type-check against the library as it is (a
 * README example once imported a function mod.ts did not export).
 */
import * as path from "node:path";
import { assertEquals, assertOk } from "./_assert.ts";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

Deno.test("the ts examples of README.md and docs/ type-check", async () => {
  const docs = ["README.md"];
  for await (const e of Deno.readDir(path.join(root, "docs"))) {
    if (e.name.endsWith(".md")) docs.push(`docs/${e.name}`);
  }
  const files: string[] = [];
  try {
    for (const doc of docs.sort()) {
      const text = await Deno.readTextFile(path.join(root, doc));
      for (const m of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
        // Beside mod.ts, so the examples' `./mod.ts` imports resolve as they read.
        const file = await Deno.makeTempFile({ dir: root, prefix: ".doc-example-", suffix: ".ts" });
        await Deno.writeTextFile(file, `// ${doc}\n${m[1]}`);
        files.push(file);
      }
    }
    assertOk(files.length >= 3, `expected the README and logger examples, found ${files.length}`);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", ...files],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    assertEquals(out.success, true, new TextDecoder().decode(out.stderr));
  } finally {
    for (const f of files) await Deno.remove(f).catch(() => {});
  }
});
