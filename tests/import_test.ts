// The library and the CLI import and install from a path outside the repository, with no config:
// nothing in the module graph may rely on this repository's import map (deno.json "imports").
import { assertEquals, assertOk } from "./_assert.ts";

const ROOT = new URL("../", import.meta.url).pathname;

async function deno(cwd: string, ...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, out: dec.decode(out.stdout), err: dec.decode(out.stderr) };
}

Deno.test("mod.ts imports from a script outside the repository, with no deno.json", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plxkit-import-" });
  try {
    await Deno.writeTextFile(
      `${dir}/script.ts`,
      `import { Run } from "${ROOT}mod.ts";\nconsole.log(typeof Run);\n`,
    );
    const r = await deno(dir, "run", "-A", "--no-lock", "script.ts");
    assertEquals(r.code, 0, r.err);
    assertEquals(r.out.trim(), "function");
    const cli = await deno(dir, "run", "-A", "--no-lock", `${ROOT}cli.ts`, "--version");
    assertEquals(cli.code, 0, cli.err);
    assertOk(cli.out.startsWith("plxkit "), cli.out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every subpath entry point imports from outside the repository, with no deno.json", async () => {
  const exports: Record<string, string> = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)).exports;
  const dir = await Deno.makeTempDir({ prefix: "plxkit-import-" });
  try {
    const lines = Object.entries(exports).map(([sub, file], i) =>
      `import * as m${i} from "${ROOT}${file.replace(/^\.\//, "")}";\n` +
      `console.log(${JSON.stringify(sub)}, Object.keys(m${i}).length);`
    );
    await Deno.writeTextFile(`${dir}/script.ts`, lines.join("\n") + "\n");
    // Type-checked too: a script outside the repository sees the same types the repository does.
    const r = await deno(dir, "run", "-A", "--no-lock", "--check", "script.ts");
    assertEquals(r.code, 0, r.err);
    const seen = r.out.trim().split("\n").map((l) => l.split(" "));
    assertEquals(seen.map(([sub]) => sub), Object.keys(exports));
    for (const [sub, n] of seen) assertOk(Number(n) > 0, `${sub} exports no value`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno install -g puts a working plxkit command in a root outside the repository", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plxkit-install-" });
  try {
    const r = await deno(
      dir,
      "install",
      "-g",
      "-A",
      "--no-lock",
      "--root",
      dir,
      "-n",
      "plxkit",
      `${ROOT}cli.ts`,
    );
    assertEquals(r.code, 0, r.err);
    const bin = await new Deno.Command(`${dir}/bin/plxkit`, {
      args: ["validate", `${ROOT}fixtures/runs`],
      cwd: dir,
      env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(bin.code, 0, new TextDecoder().decode(bin.stderr));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
