// The project root (where package.json is), whether the code runs from src/ (tsx) or dist/src/ (built).
import fs from 'node:fs';
import path from 'node:path';

function findRoot(from: string): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${from}`);
    dir = parent;
  }
  return dir;
}

export const projectRoot = findRoot(import.meta.dirname);
