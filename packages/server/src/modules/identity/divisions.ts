import { readFileSync } from 'node:fs';

export interface Division {
  code: string;
  name: string;
  level: 'province' | 'prefecture' | 'county' | 'township';
  parentCode: string;
}

export interface XpccUnit {
  code: string;
  name: string;
  kind: string;
  parentCode: string;
}

const SEED_DIR = new URL('../../../seed-data/', import.meta.url);

function readCsv(file: string): string[][] {
  return readFileSync(new URL(file, SEED_DIR), 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter(Boolean)
    .map((line) => line.split(','));
}

let divisions: Division[] | undefined;

/** NBS 2022 division codes for Xinjiang (WTFPL, shipped in seed-data/). */
export function readDivisions(): Division[] {
  divisions ??= readCsv('xinjiang_divisions.csv').map(([code, name, level, parentCode]) => ({
    code: code!,
    name: name!,
    level: level as Division['level'],
    parentCode: parentCode ?? '',
  }));
  return divisions;
}

export function readXpccUnits(): XpccUnit[] {
  return readCsv('xinjiang_xpcc_units.csv').map(([code, name, kind, parentCode]) => ({
    code: code!,
    name: name!,
    kind: kind!,
    parentCode: parentCode ?? '',
  }));
}
