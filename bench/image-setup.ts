// How the Docker image starts the bot, read from the Dockerfile so the benches run it the same way.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/**
 * How the image starts the bot: the node flags of ENTRYPOINT ["node", …flags, "dist/src/main.js"] and
 * the ENV lines of its last stage (e.g. MALLOC_MMAP_THRESHOLD_).
 */
export function imageSetup(): { flags: string[]; env: Record<string, string> } {
  const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const entry = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(runtime);
  const argv = entry ? (JSON.parse(entry[1]!) as string[]) : [];
  const script = argv.indexOf('dist/src/main.js');
  if (argv[0] !== 'node' || script < 0) throw new Error('Dockerfile ENTRYPOINT is not ["node", …, "dist/src/main.js"]');
  const env: Record<string, string> = {};
  for (const [, line] of runtime.matchAll(/^ENV\s+(.*)$/gm))
    for (const [, key, value] of line!.matchAll(/(\w+)=(\S*)/g)) env[key!] = value!;
  return { flags: argv.slice(1, script), env };
}
