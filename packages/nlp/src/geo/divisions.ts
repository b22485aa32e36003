import { readDataLines } from '../data-files.js';

export type DivisionLevel = 'province' | 'prefecture' | 'county' | 'township';

export interface Division {
  code: string;
  name: string;
  level: DivisionLevel;
  parentCode: string | undefined;
  /** Short forms people actually say: 乌鲁木齐, 伊犁州, 巴里坤县, 幸福路 … */
  aliases: string[];
}

export interface DivisionTable {
  all: Division[];
  byCode: Map<string, Division>;
}

const LEVELS = new Set<string>(['province', 'prefecture', 'county', 'township']);
const ETHNIC = /(维吾尔|哈萨克|回族|蒙古|柯尔克孜|塔吉克|锡伯)+/;

function prefectureAliases(name: string): string[] {
  const out: string[] = [];
  const stem = name.replace(/(自治州|地区|市)$/, '');
  if (name.endsWith('自治州')) {
    const short = stem.replace(ETHNIC, '');
    out.push(`${short}州`, short);
  } else if (stem.length >= 2 && stem !== name) {
    out.push(stem);
  }
  return out;
}

function countyAliases(name: string): string[] {
  const out: string[] = [];
  if (name.endsWith('自治县')) {
    const short = name.replace(/自治县$/, '').replace(ETHNIC, '');
    if (short.length >= 2) out.push(`${short}县`, short);
    return out;
  }
  const stem = name.replace(/(县|市|区)$/, '');
  if (stem.length >= 2 && stem !== name) out.push(stem);
  return out;
}

function townshipAliases(name: string): string[] {
  const out: string[] = [];
  const noOffice = name.replace(/办事处$/, '');
  if (noOffice !== name) out.push(noOffice);
  const stem = noOffice.replace(/(街道|镇|乡|民族乡)$/, '').replace(ETHNIC, '');
  // Two-character township stems (红旗, 团结) are everyday words: only longer stems become aliases.
  if (stem.length >= 3 && stem !== noOffice) out.push(stem);
  return out;
}

function aliasesFor(name: string, level: DivisionLevel): string[] {
  const raw =
    level === 'prefecture' ? prefectureAliases(name)
    : level === 'county' ? countyAliases(name)
    : level === 'township' ? townshipAliases(name)
    : ['新疆'];
  return [...new Set(raw)].filter((a) => a !== name && a.length >= 2);
}

function parseRow(line: string): Division | undefined {
  const [code, name, level, parent] = line.split(',');
  if (!code || !name || !level || !LEVELS.has(level) || !/^\d+$/.test(code)) return undefined;
  const lvl = level as DivisionLevel;
  return { code, name, level: lvl, parentCode: parent || undefined, aliases: aliasesFor(name, lvl) };
}

let table: DivisionTable | undefined;

/** Xinjiang divisions (NBS 2022, WTFPL, resources/xinjiang_divisions.csv) to township level. */
export function loadDivisions(): DivisionTable {
  if (table) return table;
  const all: Division[] = [];
  for (const line of readDataLines('xinjiang_divisions.csv').slice(1)) {
    const d = parseRow(line);
    // 自治区直辖县级行政区划 is a statistical bucket, never said by callers.
    if (d && d.code !== '6590') all.push(d);
  }
  table = { all, byCode: new Map(all.map((d) => [d.code, d])) };
  return table;
}

/** Chain from the prefecture down to the given division (province excluded). */
export function ancestry(code: string): Division[] {
  const { byCode } = loadDivisions();
  const chain: Division[] = [];
  let cur = byCode.get(code);
  while (cur && cur.level !== 'province') {
    chain.unshift(cur);
    cur = cur.parentCode ? byCode.get(cur.parentCode) : undefined;
  }
  return chain;
}
