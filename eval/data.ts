import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the shared data sets live; override with HOTLINE_DATA_ROOT for held-out copies. */
export const DATA_ROOT = process.env.HOTLINE_DATA_ROOT ?? join(import.meta.dirname, '../../shared/data');

export function dataFile(...parts: string[]): string {
  return join(DATA_ROOT, ...parts);
}

export function readJsonl<T>(path: string): T[] {
  if (!existsSync(path)) throw new Error(`missing data file ${path}`);
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as T);
}

export interface Message {
  id: string;
  title: string;
  detail: string;
  label_level1?: string;
  reply?: string;
}

export interface QaPair {
  id: string;
  docid: string;
  question: string;
  answer: string;
}
