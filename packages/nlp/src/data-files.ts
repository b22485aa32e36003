import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Shipped data lives in packages/nlp/resources, next to its licence files, outside src on purpose. */
export function dataPath(name: string): string {
  return fileURLToPath(new URL(`../resources/${name}`, import.meta.url));
}

export function readDataLines(name: string): string[] {
  return readFileSync(dataPath(name), 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'));
}
