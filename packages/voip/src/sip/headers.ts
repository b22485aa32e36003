/**
 * Ordered, case-insensitive SIP header collection.
 *
 * Header names are normalised to one canonical spelling so that compact forms ("v", "i", "m" ...)
 * and odd capitalisation from peers compare equal. Order is kept because Via, Route and
 * Record-Route are order-sensitive (RFC 3261 §7.3.1).
 */

/** Compact forms from RFC 3261 §7.3.3 plus the ones added by the REFER/events/session-timer RFCs. */
const COMPACT: Readonly<Record<string, string>> = {
  i: 'Call-ID',
  m: 'Contact',
  e: 'Content-Encoding',
  l: 'Content-Length',
  c: 'Content-Type',
  f: 'From',
  s: 'Subject',
  k: 'Supported',
  t: 'To',
  v: 'Via',
  o: 'Event',
  r: 'Refer-To',
  b: 'Referred-By',
  u: 'Allow-Events',
  x: 'Session-Expires',
};

/** Spellings that simple Title-Casing gets wrong. */
const SPECIAL: Readonly<Record<string, string>> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'mime-version': 'MIME-Version',
  'rack': 'RAck',
  'rseq': 'RSeq',
};

/**
 * Headers whose comma-separated values are independent entries (RFC 3261 §7.3.1). Authorization
 * headers are not here: their parameters are comma separated inside one value.
 */
const LIST_HEADERS = new Set([
  'Via', 'Route', 'Record-Route', 'Contact', 'Allow', 'Supported', 'Require', 'Proxy-Require',
  'Unsupported', 'Accept', 'Accept-Encoding', 'Accept-Language', 'Allow-Events',
]);

export function canonicalHeaderName(name: string): string {
  const lower = name.trim().toLowerCase();
  const compact = COMPACT[lower];
  if (compact) return compact;
  const special = SPECIAL[lower];
  if (special) return special;
  return lower.replace(/(^|-)([a-z])/g, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

export function isListHeader(canonicalName: string): boolean {
  return LIST_HEADERS.has(canonicalName);
}

/** Splits on a delimiter that is outside double quotes and angle brackets. */
export function splitOutsideQuotes(value: string, delimiter: string): string[] {
  const parts: string[] = [];
  let current = '';
  let inQuotes = false;
  let angle = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] ?? '';
    if (inQuotes && ch === '\\') {
      current += ch + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch === '<') angle++;
    else if (!inQuotes && ch === '>' && angle > 0) angle--;
    if (ch === delimiter && !inQuotes && angle === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts;
}

export class SipHeaders {
  private readonly entries: Array<[string, string]> = [];

  constructor(init?: Iterable<readonly [string, string]>) {
    if (init) for (const [name, value] of init) this.append(name, value);
  }

  /** Appends one value; list headers with commas become several entries. */
  append(name: string, value: string): this {
    const canonical = canonicalHeaderName(name);
    const values = isListHeader(canonical) ? splitOutsideQuotes(value, ',') : [value];
    for (const v of values) {
      const trimmed = v.trim();
      // An empty element in a list ("Allow: INVITE, , BYE") carries nothing.
      if (trimmed === '' && values.length > 1) continue;
      this.entries.push([canonical, trimmed]);
    }
    return this;
  }

  /** Inserts before the existing values of the same header (used for Via and Record-Route). */
  prepend(name: string, value: string): this {
    const canonical = canonicalHeaderName(name);
    const index = this.entries.findIndex(([n]) => n === canonical);
    this.entries.splice(index < 0 ? this.entries.length : index, 0, [canonical, value.trim()]);
    return this;
  }

  /** Replaces every value of the header with one value. */
  set(name: string, value: string): this {
    const canonical = canonicalHeaderName(name);
    const index = this.entries.findIndex(([n]) => n === canonical);
    this.remove(canonical);
    this.entries.splice(index < 0 ? this.entries.length : index, 0, [canonical, value.trim()]);
    return this;
  }

  get(name: string): string | undefined {
    const canonical = canonicalHeaderName(name);
    return this.entries.find(([n]) => n === canonical)?.[1];
  }

  getAll(name: string): string[] {
    const canonical = canonicalHeaderName(name);
    return this.entries.filter(([n]) => n === canonical).map(([, v]) => v);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  remove(name: string): this {
    const canonical = canonicalHeaderName(name);
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (this.entries[i]?.[0] === canonical) this.entries.splice(i, 1);
    }
    return this;
  }

  /** Removes only the first value (the top Via when a proxy-like hop pops it). */
  removeFirst(name: string): this {
    const canonical = canonicalHeaderName(name);
    const index = this.entries.findIndex(([n]) => n === canonical);
    if (index >= 0) this.entries.splice(index, 1);
    return this;
  }

  clone(): SipHeaders {
    return new SipHeaders(this.entries);
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries.map(([n, v]): [string, string] => [n, v])[Symbol.iterator]();
  }
}
