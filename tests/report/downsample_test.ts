import { MinMaxSeries, Thinner } from "../../src/report/downsample.ts";
import { assertEquals, assertOk } from "../_assert.ts";

Deno.test("MinMaxSeries keeps at most maxPoints, every extremum and exact statistics", () => {
  const s = new MinMaxSeries(100);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < 1_000_000; i++) {
    const v = Math.sin(i / 1000) + (i === 123_457 ? 10 : 0) - (i === 876_543 ? 10 : 0);
    min = Math.min(min, v);
    max = Math.max(max, v);
    s.push(i, i / 10, v);
  }
  const p = s.points();
  assertOk(p.x.length <= 100, `${p.x.length} points`);
  assertOk(s.downsampled);
  assertEquals(s.stats.count, 1_000_000);
  assertEquals(s.stats.min, min);
  assertEquals(s.stats.max, max);
  assertOk(p.v.includes(max) && p.v.includes(min), "the spikes survive");
  assertEquals(p.x[0], 0);
  assertEquals(p.x[p.x.length - 1], 999_999);
  for (let i = 1; i < p.x.length; i++) assertOk(p.x[i] > p.x[i - 1], "logging order");
});

Deno.test("MinMaxSeries: short series are kept whole; NaN and infinities are counted, not drawn", () => {
  const s = new MinMaxSeries(100);
  [1, NaN, 3, Infinity, 2].forEach((v, i) => s.push(i % 2 ? null : i, i, v));
  const p = s.points();
  assertEquals(p.v, [1, 3, 2]);
  assertEquals(p.x, [0, 2, 4]);
  assertEquals(s.downsampled, false);
  assertEquals(s.stats, { count: 5, nonFinite: 2, min: 1, max: 3, last: 2, lastStep: 4 });
});

Deno.test("Thinner keeps evenly spread items, the first and the last", () => {
  const t = new Thinner<number>(4);
  for (let i = 0; i < 100; i++) t.push(i);
  assertEquals(t.items(), [0, 32, 64, 96, 99]);
  assertEquals(t.thinned, true);
  const u = new Thinner<number>(10);
  for (let i = 0; i < 5; i++) u.push(i);
  assertEquals(u.items(), [0, 1, 2, 3, 4]);
  assertEquals(u.thinned, false);
});
