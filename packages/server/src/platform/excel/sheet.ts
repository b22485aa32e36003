import ExcelJS from 'exceljs';

/**
 * Excel in and out for every module's bulk data. Import reads a sheet against a column spec and
 * reports every bad cell as (line, column, reason); callers import nothing unless errors is empty.
 */
export interface ColumnSpec<T> {
  header: string;
  key: keyof T & string;
  required?: boolean;
  width?: number;
  /** Turns the cell text into the field value; throw an Error with a Chinese reason to reject it. */
  parse?: (text: string) => unknown;
  /** Formats the field value for export (defaults to String()). */
  format?: (value: unknown) => string | number;
}

export interface RowError {
  line: number;
  column: string;
  reason: string;
}

export interface ParsedSheet<T> {
  rows: { line: number; value: T }[];
  errors: RowError[];
}

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const MAX_IMPORT_ROWS = 20_000;

function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('').trim();
    if ('text' in v) return String(v.text).trim();
    if ('result' in v) return String(v.result ?? '').trim();
  }
  return String(v).trim();
}

/** Reads the first worksheet; the header row is matched by column title, in any order. */
export async function readSheet<T>(buffer: Buffer, columns: ColumnSpec<T>[], maxRows = MAX_IMPORT_ROWS): Promise<ParsedSheet<T>> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch {
    return { rows: [], errors: [{ line: 0, column: '', reason: '文件不是有效的 Excel（.xlsx）文件' }] };
  }
  const ws = wb.worksheets[0];
  if (!ws) return { rows: [], errors: [{ line: 0, column: '', reason: '文件中没有工作表' }] };
  const header = ws.getRow(1);
  const position = new Map<string, number>();
  header.eachCell((cell, col) => position.set(cellText(cell), col));
  const missing = columns.filter((c) => c.required && !position.has(c.header));
  if (missing.length) {
    return { rows: [], errors: missing.map((c) => ({ line: 1, column: c.header, reason: '缺少此列，请使用导出的模板' })) };
  }
  if (ws.rowCount - 1 > maxRows) return { rows: [], errors: [{ line: 0, column: '', reason: `一次最多导入 ${maxRows} 行` }] };
  const rows: ParsedSheet<T>['rows'] = [];
  const errors: RowError[] = [];
  for (let line = 2; line <= ws.rowCount; line++) {
    const row = ws.getRow(line);
    const texts = columns.map((c) => (position.has(c.header) ? cellText(row.getCell(position.get(c.header)!)) : ''));
    if (texts.every((t) => t === '')) continue;
    const value: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      const text = texts[i]!;
      if (text === '') {
        if (c.required) errors.push({ line, column: c.header, reason: '必填项为空' });
        return;
      }
      try {
        value[c.key] = c.parse ? c.parse(text) : text;
      } catch (err) {
        errors.push({ line, column: c.header, reason: err instanceof Error ? err.message : '取值无效' });
      }
    });
    rows.push({ line, value: value as T });
  }
  return { rows, errors };
}

export async function writeSheet<T>(sheetName: string, columns: ColumnSpec<T>[], rows: T[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '12345 政务服务便民热线综合管理平台';
  const ws = wb.addWorksheet(sheetName);
  ws.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width ?? 18 }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) {
    ws.addRow(Object.fromEntries(columns.map((c) => {
      const v = (r as Record<string, unknown>)[c.key];
      return [c.key, v === null || v === undefined ? '' : c.format ? c.format(v) : Array.isArray(v) ? v.join('、') : String(v)];
    })));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Splits a list cell: Chinese and Latin separators both work. */
export const splitList = (text: string): string[] => text.split(/[,，、;；\s]+/).map((s) => s.trim()).filter(Boolean);
