/**
 * An ordered worker pool: maps a stream of independent tasks over Web Workers (one per core by default) and
 * yields the results in the order the tasks came, so output is byte-identical to a one-worker run. At most
 * `window` tasks are in flight or waiting to be yielded, so memory stays flat however long the stream is.
 *
 * A worker module answers each task message with `{ result }` or `{ error }`, one at a time; see
 * {@linkcode serveTasks}.
 *
 * @module
 */

/** Options of {@linkcode orderedPool}. */
export interface PoolOptions {
  /** Workers to start (started lazily, as tasks arrive). @default navigator.hardwareConcurrency */
  jobs?: number;
  /** Tasks in flight or finished but not yet yielded, at most. @default 4 × jobs */
  window?: number;
}

/** The number of workers to use by default: one per core the runtime reports (at least 1). */
export function defaultJobs(): number {
  const n = typeof navigator !== "undefined" ? navigator.hardwareConcurrency : 1;
  return Number.isInteger(n) && n > 0 ? n : 1;
}

/** A task failed inside a worker; `message` is the worker's error message. */
export class WorkerTaskError extends Error {
  /** Creates the error with the worker's message. */
  constructor(message: string) {
    super(message);
    this.name = "WorkerTaskError";
  }
}

/**
 * Runs `tasks` on up to `jobs` slots and yields the results in task order: this thread itself (`inline`)
 * is one slot, and `jobs - 1` workers loaded from `workerUrl` are the others, started only when there is
 * work waiting for them (so a small input never pays a worker's start-up). Slots pull the next task when
 * free, so a slow-starting worker holds at most one task. Items for which `local(task)` returns a value
 * are not queued: that value is yielded in its place. `message(t)` makes what is posted to a worker
 * (default: `t`). Workers are terminated when the generator finishes or is closed.
 *
 * @example
 * ```ts ignore
 * for await (const r of orderedPool(tasks, url, { jobs: 2, inline: (t) => work(t) })) use(r);
 * ```
 */
export async function* orderedPool<T, R>(
  tasks: AsyncIterable<T>,
  workerUrl: URL,
  options: PoolOptions & {
    inline: (task: T) => Promise<R>;
    local?: (task: T) => R | undefined;
    message?: (task: T) => unknown;
  },
): AsyncGenerator<R> {
  const jobs = Math.max(1, options.jobs ?? defaultJobs());
  const window = Math.max(jobs, options.window ?? jobs * 4);
  type Job = { task: T; resolve: (r: R) => void; reject: (e: unknown) => void };
  const ready: Job[] = [];
  const workers: { w: Worker; job: Job | null }[] = [];
  let inlineBusy = false;
  let broken: Error | null = null;

  const runInline = (job: Job) => {
    inlineBusy = true;
    options.inline(job.task).then(job.resolve, job.reject).finally(() => {
      inlineBusy = false;
      dispatch();
    });
  };
  const startWorker = () => {
    const slot: { w: Worker; job: Job | null } = {
      w: new Worker(workerUrl.href, { type: "module" }),
      job: null,
    };
    slot.w.onmessage = (ev: MessageEvent<{ result?: R; error?: string }>) => {
      const job = slot.job!;
      slot.job = null;
      if (ev.data.error !== undefined) job.reject(new WorkerTaskError(ev.data.error));
      else job.resolve(ev.data.result as R);
      dispatch();
    };
    slot.w.onerror = (ev) => {
      ev.preventDefault();
      broken = new WorkerTaskError(ev.message);
      slot.job?.reject(broken);
      slot.job = null;
      for (const j of ready.splice(0)) j.reject(broken);
    };
    workers.push(slot);
    return slot;
  };
  const dispatch = () => {
    while (ready.length) {
      if (broken) {
        for (const j of ready.splice(0)) j.reject(broken);
        return;
      }
      if (!inlineBusy) {
        runInline(ready.shift()!);
        continue;
      }
      let slot = workers.find((s) => s.job === null);
      if (!slot && workers.length < jobs - 1) slot = startWorker();
      if (!slot) return;
      const job = ready.shift()!;
      slot.job = job;
      slot.w.postMessage(options.message ? options.message(job.task) : job.task);
    }
  };

  const queue: Promise<R>[] = [];
  try {
    for await (const task of tasks) {
      const local = options.local?.(task);
      const promise = local !== undefined
        ? Promise.resolve(local)
        : new Promise<R>((resolve, reject) => ready.push({ task, resolve, reject }));
      promise.catch(() => {}); // a rejection surfaces when this item's turn to be yielded comes
      queue.push(promise);
      dispatch();
      while (queue.length >= window) yield await queue.shift()!;
    }
    while (queue.length) yield await queue.shift()!;
  } finally {
    for (const s of workers) s.w.terminate();
  }
}

/**
 * The worker side of {@linkcode orderedPool}: answers each task message with `handle(task)`'s result, or
 * with the error's message.
 *
 * @example
 * ```ts ignore
 * serveTasks(async (task: { path: string }) => await work(task.path));
 * ```
 */
export function serveTasks<T, R>(handle: (task: T) => Promise<R> | R): void {
  const scope = globalThis as unknown as {
    onmessage: ((ev: MessageEvent<T>) => void) | null;
    postMessage(m: unknown): void;
  };
  scope.onmessage = async (ev) => {
    try {
      scope.postMessage({ result: await handle(ev.data) });
    } catch (e) {
      scope.postMessage({ error: e instanceof Error ? e.message : String(e) });
    }
  };
}
