import { assertEquals } from "../../_assert.ts";
import { encodeCsvRow, encodeJsonlLine, encodeLine, PlxRunWriter } from "../../../src/formats/plx/write.ts";
import { PlxReader } from "../../../src/formats/plx/read.ts";
import { readChunks } from "../../../src/io/files.ts";
import { parseTimestamp } from "../../../src/model/time.ts";
import type { PlxEvent } from "../../../src/model/event.ts";

const T = parseTimestamp("2025-03-01 09:15:02.481516+00:00")!;
const base = { run: "r", scope: "events" as const, step: 1, timestamp: T };

Deno.test("encoders reproduce the writer's lines (spec Appendix B)", () => {
  assertEquals(
    encodeCsvRow({ ...base, kind: "metric", name: "loss", type: "metric", value: 0.6931 }),
    "1|2025-03-01 09:15:02.481516+00:00|0.6931",
  );
  assertEquals(
    encodeCsvRow({
      ...base,
      step: null,
      timestamp: parseTimestamp("2025-03-01 09:15:20+00:00")!,
      kind: "metric",
      name: "loss",
      type: "metric",
      value: NaN,
    }),
    "|2025-03-01 09:15:20+00:00|nan",
  );
  assertEquals(
    encodeCsvRow({
      ...base,
      kind: "image",
      name: "sample",
      type: "image",
      value: { path: "assets/image/sample_1.png", colorspace: 3, width: 28, height: 28 },
    }),
    '1|2025-03-01 09:15:02.481516+00:00|{"height":28,"width":28,"colorspace":3,"path":"assets/image/sample_1.png"}',
  );
  assertEquals(
    encodeCsvRow({
      ...base,
      step: null,
      kind: "audio",
      name: "beep",
      type: "audio",
      value: {
        sample_rate: 44100,
        num_channels: 1,
        length_frames: 42,
        path: "assets/audio/beep.wav",
        content_type: "audio/wav",
      },
    }),
    '|2025-03-01 09:15:02.481516+00:00|{"sample_rate":44100.0,"num_channels":1,"length_frames":42,"path":"assets/audio/beep.wav","content_type":"audio/wav"}',
  );
  assertEquals(
    encodeCsvRow({
      ...base,
      step: 5,
      kind: "histogram",
      name: "w",
      type: "histogram",
      value: { counts: [3, 5, 2], edges: [0, 0.5, 1, 1.5] },
    }),
    '5|2025-03-01 09:15:02.481516+00:00|{"values":[3.0,5.0,2.0],"counts":[0.0,0.5,1.0,1.5]}',
  );
  assertEquals(
    encodeCsvRow({
      ...base,
      kind: "tsv",
      name: "file",
      type: "artifact",
      value: { kind: "tsv", path: "assets/tsv/file_1.tsv" },
    }),
    '1|2025-03-01 09:15:02.481516+00:00|{"kind":"tsv","path":"assets/tsv/file_1.tsv"}',
  );
  assertEquals(
    encodeJsonlLine({
      ...base,
      kind: "text",
      name: "notes",
      type: "text",
      value: "loss=0.69 | acc=0.51\nnext",
    }),
    '{"timestamp": "2025-03-01 09:15:02.481516+00:00", "step": 1, "text": "loss=0.69 | acc=0.51\\nnext"}',
  );
  assertEquals(
    encodeJsonlLine({
      ...base,
      step: null,
      timestamp: parseTimestamp("2025-03-01 09:15:03+00:00")!,
      kind: "text",
      name: "n",
      type: "text",
      value: "café",
    }),
    '{"timestamp": "2025-03-01 09:15:03+00:00", "step": null, "text": "caf\\u00e9"}',
  );
  assertEquals(
    encodeLine({
      ...base,
      step: 2,
      kind: "chart",
      name: "fig",
      type: "chart",
      value: { kind: "vega", figure: { mark: "bar" } },
    }),
    '{"timestamp": "2025-03-01 09:15:02.481516+00:00", "step": 2, "chart": "{\\"kind\\":\\"vega\\",\\"figure\\":{\\"mark\\":\\"bar\\"}}"}',
  );
  assertEquals(
    encodeLine({
      ...base,
      step: null,
      kind: "span",
      name: "trace",
      type: "span",
      value: {
        kind: "llm",
        inputs: { q: "hi" },
        status: "succeeded",
        started_at: "2025-03-01T09:15:01.000123Z",
        name: "trace",
        uuid: "ceb21ee781254719b18664ad1fde57a2",
      },
    }),
    '{"timestamp": "2025-03-01 09:15:02.481516+00:00", "step": null, "span": "{\\"uuid\\":\\"ceb21ee781254719b18664ad1fde57a2\\",\\"name\\":\\"trace\\",\\"started_at\\":\\"2025-03-01T09:15:01.000123Z\\",\\"status\\":\\"succeeded\\",\\"inputs\\":{\\"q\\":\\"hi\\"},\\"kind\\":\\"llm\\"}"}',
  );
  assertEquals(
    encodeLine({
      ...base,
      kind: "chart",
      name: "p",
      type: "chart",
      value: { kind: "plotly", figure: { data: [{ x: [1, 2.5] }], layout: { title: "é" } } },
    }),
    '{"timestamp": "2025-03-01 09:15:02.481516+00:00", "step": 1, "chart": "{\\"kind\\": \\"plotly\\", \\"figure\\": {\\"data\\": [{\\"x\\": [1, 2.5]}], \\"layout\\": {\\"title\\": \\"\\\\u00e9\\"}}}"}',
  );
});

Deno.test("PlxRunWriter writes files the reader gives back unchanged", async () => {
  const dir = await Deno.makeTempDir();
  const events: PlxEvent[] = [
    { ...base, kind: "metric", name: "loss", type: "metric", value: 0.1 + 0.2 },
    { ...base, step: 2, kind: "metric", name: "loss", type: "metric", value: -0 },
    { ...base, step: null, kind: "metric", name: "loss", type: "metric", value: -Infinity },
    { ...base, kind: "text", name: "t", type: "text", value: "pipe | newline\n tab\t \u2028 😀" },
    {
      ...base,
      kind: "confusion",
      name: "c",
      type: "confusion",
      value: { x: ["a", "b"], y: ["a", "b"], z: [[1, 2], [3, 4]] },
    },
    {
      ...base,
      kind: "span",
      name: "s",
      type: "span",
      value: { uuid: "ceb21ee781254719b18664ad1fde57a2", children: [{ name: "c", kind: "tool" }] },
    },
    { ...base, scope: "resources", step: null, kind: "metric", name: "cpu", type: "metric", value: 12.5 },
  ];
  const w = new PlxRunWriter(dir);
  await w.write(events);
  await w.commit();
  const loss = await Deno.readTextFile(`${dir}/events/metric/loss.plx`);
  assertEquals(
    loss,
    "step|timestamp|metric\n1|2025-03-01 09:15:02.481516+00:00|0.30000000000000004\n2|2025-03-01 09:15:02.481516+00:00|-0.0\n|2025-03-01 09:15:02.481516+00:00|-inf",
  );
  const back: PlxEvent[] = [];
  for (
    const [scope, kind, name] of [
      ["events", "metric", "loss"],
      ["events", "text", "t"],
      ["events", "confusion", "c"],
      ["events", "span", "s"],
      ["resources", "metric", "cpu"],
    ] as const
  ) {
    const r = new PlxReader({ run: "r", scope, kind, name, file: `${scope}/${kind}/${name}.plx` });
    for await (const b of r.read(readChunks(`${dir}/${scope}/${kind}/${name}.plx`))) {
      assertEquals(b.diagnostics, []);
      back.push(...b.events);
    }
  }
  assertEquals(back, events);
  await Deno.remove(dir, { recursive: true });
});
