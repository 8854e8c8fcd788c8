// The memory settings the Docker image runs with (README 性能; Dockerfile ENV and ENTRYPOINT), for
// every other way of starting the bot. test/unit/memory-settings.test.ts keeps the two the same.

/** V8: a young generation of 2 × 4 MB, and the old one grown 20 % over what survived the last full GC. */
export const MEMORY_FLAGS = ['--max-semi-space-size=4', '--heap-growing-percent=20'];

/** glibc: keep its mmap threshold at 128 KB, so large freed blocks go back to the system. */
export const MEMORY_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' };

/** The flags and environment variables this process is missing (both empty: it runs as the image does). */
export function missingMemorySettings(execArgv, env) {
  const flags = MEMORY_FLAGS.filter((flag) => {
    const name = flag.slice(0, flag.indexOf('='));
    return !execArgv.some((arg) => arg === flag || arg.startsWith(`${name}=`));
  });
  const vars = Object.keys(MEMORY_ENV).filter((key) => env[key] === undefined);
  return { flags, vars };
}
