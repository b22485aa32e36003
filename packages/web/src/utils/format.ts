const pad = (n: number) => String(n).padStart(2, '0');

// Government offices in Xinjiang keep Beijing time, while many computers there run on 新疆时间
// (UTC+6): every time shown or typed is Beijing time, whatever the browser's zone.
const BEIJING_OFFSET_MS = 8 * 3600_000;

/** Formats an ISO timestamp as `YYYY-MM-DD HH:mm:ss` in Beijing time. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '-';
  const t = new Date(value).getTime();
  if (Number.isNaN(t)) return value;
  const d = new Date(t + BEIJING_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Converts a ProTable date string ('YYYY-MM-DD HH:mm:ss', Beijing time) to ISO 8601. */
export function localToIso(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  const zoned = /[T ]\d{2}:\d{2}/.test(value) && !/(Z|[+-]\d{2}:?\d{2})$/.test(value) ? `${value.replace(' ', 'T')}+08:00` : value.length === 10 ? `${value}T00:00:00+08:00` : value;
  const d = new Date(zoned);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

/** Shortens a user agent string to "Browser / OS" for tables. */
export function shortUserAgent(ua: string | null | undefined): string {
  if (!ua) return '-';
  const browser =
    /Edg\/([\d.]+)/.exec(ua)?.[0]?.replace('Edg', 'Edge') ??
    /Chrome\/([\d]+)/.exec(ua)?.[0] ??
    /Firefox\/([\d]+)/.exec(ua)?.[0] ??
    /Version\/([\d]+).*Safari/.exec(ua)?.[0]?.replace(/Version\/([\d]+).*Safari/, 'Safari/$1') ??
    ua.split(' ')[0] ??
    ua;
  const os = /Windows NT [\d.]+|Mac OS X [\d_]+|Android [\d.]+|iPhone OS [\d_]+|Linux/.exec(ua)?.[0];
  return os ? `${browser} · ${os.replace(/_/g, '.')}` : browser;
}

export function prettyJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}
