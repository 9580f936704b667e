import { assertEquals } from "../_assert.ts";
import { fromPolyaxonValue, toPolyaxonValue } from "../../src/model/event.ts";
import { PlxReader } from "../../src/formats/plx/read.ts";
import { encodeCsvRow } from "../../src/formats/plx/write.ts";

Deno.test("histograms: the model names counts and edges by meaning; Polyaxon's names only in files", () => {
  const file = { values: [2, 1], counts: [0, 1, 2] };
  const model = fromPolyaxonValue("histogram", file);
  assertEquals(model, { counts: [2, 1], edges: [0, 1, 2] });
  assertEquals(toPolyaxonValue("histogram", model), file);
  // Extra fields keep their place and a name of their own, also one already called "edges".
  const odd = { extra: 1, counts: [0, 1], edges: "x", values: [5], __proto__x: 2 };
  const m = fromPolyaxonValue("histogram", odd) as Record<string, unknown>;
  assertEquals(Object.keys(m), ["extra", "edges", "values", "counts", "__proto__x"]);
  assertEquals(JSON.stringify(toPolyaxonValue("histogram", m)), JSON.stringify(odd));
  const proto = JSON.parse('{"__proto__": 1, "values": [1]}');
  assertEquals(Object.keys(toPolyaxonValue("histogram", fromPolyaxonValue("histogram", proto)) as object), [
    "__proto__",
    "values",
  ]);
  // Other types pass through untouched.
  const curve = { kind: "roc", x: [0], y: [1] };
  assertEquals(fromPolyaxonValue("curve", curve), curve);
});

Deno.test("histograms: a .plx row reads into model names and writes back byte for byte", async () => {
  const line = '5|2025-03-01 09:15:02.481516+00:00|{"values":[3.0,5.0,2.0],"counts":[0.0,0.5,1.0,1.5]}';
  const reader = new PlxReader({ run: "r", scope: "events", kind: "histogram", name: "w", file: "w.plx" });
  const events = [];
  for await (const b of reader.read([new TextEncoder().encode("step|timestamp|histogram\n" + line)])) {
    events.push(...b.events);
  }
  assertEquals(events.map((e) => e.value), [{ counts: [3, 5, 2], edges: [0, 0.5, 1, 1.5] }]);
  assertEquals(encodeCsvRow(events[0]), line);
});
