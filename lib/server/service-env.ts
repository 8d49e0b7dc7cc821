/**
 * What QueueManager's own long-running programs (the web server, the worker) get in their
 * environment and no job does. MALLOC_ARENA_MAX=2: glibc gives each thread that allocates
 * (V8's compiler and collector threads, libuv's pool) a malloc arena of its own, up to 8 per
 * core, and keeps what each one freed; two arenas for all of them hold less after a busy
 * spell (docs/performance.md: the web server 111.8 against 119-120 MB after 50 dashboards'
 * requests; the worker with 10,000 jobs waiting 69.8-71.3 against 71.7-77.6 MB). glibc reads
 * it once, at the start. A job's own programs keep glibc's default (jobEnvironment leaves it
 * out): a multi-threaded job would pay for fewer arenas in lock contention.
 */
export const SERVICE_ENV: Readonly<Record<string, string>> = Object.freeze({ MALLOC_ARENA_MAX: "2" });
