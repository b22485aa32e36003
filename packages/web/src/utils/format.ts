const pad = (n: number) => String(n).padStart(2, '0');

/** Formats an ISO timestamp as `YYYY-MM-DD HH:mm:ss` in the browser's time zone. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '-';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Converts a ProTable date string ('YYYY-MM-DD HH:mm:ss', local time) to ISO 8601. */
export function localToIso(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  const d = new Date(value.includes('T') ? value : value.replace(' ', 'T'));
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
