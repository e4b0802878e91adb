/**
 * Node flags of the worker process, wherever it is started (npm run worker, npm start, the bench,
 * docker-compose). The worker's live heap is bounded by the chunk sizes (1,000 rows), but V8 lets
 * a busy heap grow far past that before it collects: a 100,000-member first sync peaked at
 * 395–413 MB RSS uncapped and at 273 MB with this cap, at the same speed (npm run bench).
 */
export const WORKER_NODE_FLAGS = ['--max-old-space-size=192'];

/**
 * Environment of the worker process, wherever it is started. glibc gives threads that allocate at
 * once arenas of their own (up to eight per core), and the worker's threads (libuv's pool, Temporal
 * core's runtime, the tsx loader) kept memory in them: with two arenas the idle worker holds 213
 * instead of 227 MB, and a 100,000-member first sync peaked at 268–281 instead of 296–305 MB.
 */
export const WORKER_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
