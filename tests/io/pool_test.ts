import { assertEquals, assertOk } from "../_assert.ts";
import { orderedPool, WorkerTaskError } from "../../src/io/pool.ts";

const WORKER = new URL("./_sleep_worker.ts", import.meta.url);

async function* count(n: number, bad = -1): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield i === bad ? -1 : i;
}

const inline = async (n: number) => {
  if (n < 0) throw new Error(`bad task ${n}`);
  await new Promise((r) => setTimeout(r, (n * 3) % 4));
  return n * 2;
};

Deno.test("orderedPool yields results in task order, whatever slot finishes first", async (t) => {
  for (const jobs of [1, 2, 3]) {
    await t.step(`jobs ${jobs}`, async () => {
      const got: number[] = [];
      for await (const r of orderedPool(count(200), WORKER, { jobs, window: 5, inline })) got.push(r);
      assertEquals(got, Array.from({ length: 200 }, (_, i) => i * 2));
    });
  }
});

Deno.test("orderedPool: local items skip the queue and keep their place", async () => {
  const got: number[] = [];
  const local = (n: number) => (n % 3 === 0 ? -n : undefined);
  for await (const r of orderedPool(count(30), WORKER, { jobs: 2, inline, local })) got.push(r);
  assertEquals(got, Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? -i : i * 2)));
});

Deno.test("orderedPool: a failing task rejects at its turn, and the workers are stopped", async () => {
  const got: number[] = [];
  let err: unknown;
  try {
    for await (const r of orderedPool(count(50, 20), WORKER, { jobs: 2, inline })) got.push(r);
  } catch (e) {
    err = e;
  }
  assertOk(err instanceof Error && err.message.includes("bad task -1"), String(err));
  assertEquals(got, Array.from({ length: 20 }, (_, i) => i * 2));
  // A worker-side failure is a WorkerTaskError with the worker's message: the inline slot is busy with
  // task 0, so task 1 (bad) goes to the worker.
  const slow = async (n: number) => (await new Promise((r) => setTimeout(r, 300)), n * 2);
  let werr: unknown;
  const seen: number[] = [];
  try {
    for await (const r of orderedPool(count(2, 1), WORKER, { jobs: 2, inline: slow })) seen.push(r);
  } catch (e) {
    werr = e;
  }
  assertEquals(seen, [0]);
  assertOk(werr instanceof WorkerTaskError && werr.message === "bad task -1", String(werr));
});
