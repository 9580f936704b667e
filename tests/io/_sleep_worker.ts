// Test worker for tests/io/pool_test.ts: answers n after a pseudo-random delay, fails on negative n.
import { serveTasks } from "../../src/io/pool.ts";

serveTasks(async (n: number) => {
  if (n < 0) throw new Error(`bad task ${n}`);
  await new Promise((r) => setTimeout(r, (n * 7) % 5));
  return n * 2;
});
