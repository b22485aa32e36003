import type { FormInstance } from 'antd';
import { isApiError } from '../api/client';

/** Normalises a server error path ('/username', 'body.username', 'roleIds/0') to a form name path. */
export function toNamePath(path: string): (string | number)[] {
  return path
    .replace(/^\/+/, '')
    .replace(/^body[./]/, '')
    .split(/[./]/)
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/**
 * Puts RFC 7807 `errors[]` entries onto matching form fields. Returns true when at least
 * one field error was applied. Unknown paths are ignored (the toast already shows `detail`).
 */
export function applyFieldErrors(form: FormInstance | undefined, err: unknown): boolean {
  if (!form || !isApiError(err) || err.errors.length === 0) return false;
  const fields = err.errors
    .map((e) => ({ name: toNamePath(e.path), errors: [e.message] }))
    .filter((f) => f.name.length > 0);
  if (fields.length === 0) return false;
  try {
    form.setFields(fields);
    return true;
  } catch {
    return false;
  }
}

/** Server-side password policy mirrored for early feedback (server is authoritative). */
export const PASSWORD_MIN_LENGTH = 8;

export function passwordStrengthOk(value: string): boolean {
  if (value.length < PASSWORD_MIN_LENGTH) return false;
  let classes = 0;
  if (/[a-z]/.test(value)) classes++;
  if (/[A-Z]/.test(value)) classes++;
  if (/\d/.test(value)) classes++;
  if (/[^A-Za-z0-9]/.test(value)) classes++;
  return classes >= 3;
}
