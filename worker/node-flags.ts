/**
 * Node flags of the worker process, wherever it is started (npm run worker, npm start, the bench,
 * docker-compose). The worker's live heap is bounded by the chunk sizes (1,000 rows), but V8 lets
 * a busy heap grow far past that before it collects; capped, a first sync keeps its speed at a
 * much lower peak. A sync promotes much of what it allocates (a chunk lives across its Graph and
 * Postgres round trips), and with V8's default growth the old space filled again within a few
 * scavenges, so full collections followed each other closely, marking on every core. Letting the
 * old space grow to twice what survived, and keeping the young space small so the peak stays
 * where it was, takes most of that work away (measured in docs/performance-notes.md, "third pass":
 * figures go stale in code).
 */
export const WORKER_NODE_FLAGS = [
  '--max-old-space-size=192',
  '--heap-growing-percent=100',
  '--max-semi-space-size=4',
];

/**
 * Environment of the worker process, wherever it is started. glibc gives threads that allocate at
 * once arenas of their own (up to eight per core), and the worker's threads (libuv's pool, Temporal
 * core's runtime, the tsx loader) kept memory in them; two arenas lower both the idle and the
 * peak memory (docs/performance-notes.md).
 */
export const WORKER_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
