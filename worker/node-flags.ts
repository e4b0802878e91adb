/**
 * Node flags of the worker process, wherever it is started (npm run worker, npm start, the bench,
 * docker-compose). The worker's live heap is bounded by the chunk sizes (1,000 rows), but V8 lets
 * a busy heap grow far past that before it collects: a 100,000-member first sync peaked at
 * 395–413 MB RSS uncapped and at 273 MB with this cap, at the same speed (npm run bench).
 */
export const WORKER_NODE_FLAGS = ['--max-old-space-size=192'];
