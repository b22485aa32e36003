/**
 * The softphone protocol between the server (a WebSocket per browser agent) and a gateway session:
 * what the browser may send, what it is told, and the validation of untrusted browser input.
 * Validation never throws: anything malformed becomes an error message for the agent.
 */

/** Messages the gateway sends to the browser (through the server). */
export type SoftphoneServerMessage =
  | { type: 'registered'; extension: string; expires: number }
  | { type: 'incoming'; callId: string; from: string; fromName?: string; sdp: string }
  | { type: 'state'; callId: string; state: 'ringing' | 'connected' | 'held' | 'ended'; reason?: string }
  | { type: 'error'; code: string; message: string; callId?: string }
  | { type: 'closed'; reason: 'replaced' | 'shutdown' | 'registration-lost' };

/** Messages the browser sends (validated by validateClientMessage before anything acts on them). */
export type SoftphoneClientMessage =
  | { type: 'answer'; callId: string; sdp: string }
  | { type: 'reject'; callId: string }
  | { type: 'hangup'; callId: string }
  | { type: 'hold'; callId: string; on: boolean }
  | { type: 'transfer'; callId: string; target: string }
  | { type: 'dtmf'; callId: string; digits: string }
  | { type: 'dial'; target: string };

export type SoftphoneCallState = 'ringing' | 'connected' | 'held' | 'ended';

/** Error codes of {type:'error'} messages. */
export type SoftphoneErrorCode =
  | 'bad-message'
  | 'unknown-type'
  | 'bad-field'
  | 'unknown-call'
  | 'bad-state'
  | 'busy'
  | 'bad-sdp'
  | 'media-failed'
  | 'hold-failed'
  | 'transfer-failed'
  | 'dtmf-failed'
  | 'dial-failed'
  | 'closed'
  | 'internal';

/** Chinese texts shown to the agent, per error code. */
export const ERROR_TEXT: Record<SoftphoneErrorCode, string> = {
  'bad-message': '消息格式错误',
  'unknown-type': '不支持的操作',
  'bad-field': '参数无效',
  'unknown-call': '通话不存在或已结束',
  'bad-state': '当前通话状态下不能执行此操作',
  busy: '当前已有通话，不能再发起新的通话',
  'bad-sdp': '浏览器媒体协商失败，请重试或刷新页面',
  'media-failed': '语音通道建立失败，请检查网络或麦克风后重试',
  'hold-failed': '保持/恢复通话失败',
  'transfer-failed': '转接失败，通话仍在继续',
  'dtmf-failed': '按键发送失败',
  'dial-failed': '外呼失败',
  closed: '软电话已断开，请重新登录',
  internal: '系统内部错误，请稍后重试',
};

/** Chinese names of the fields, for "参数无效：…" messages. */
const FIELD_TEXT: Record<string, string> = {
  callId: '通话标识',
  sdp: '媒体描述(SDP)',
  on: '保持开关',
  target: '转接/呼叫目标',
  digits: '按键',
};

export const LIMITS = {
  callId: 128,
  /** A browser's audio-only answer is 2-6 KB; 64 KB leaves room for many candidates. */
  sdp: 64 * 1024,
  target: 256,
  digits: 32,
} as const;

const CALL_ID = /^[A-Za-z0-9._:@-]+$/;
/** Extension or phone number: what an agent types into the transfer box. */
export const TARGET_NUMBER = /^[A-Za-z0-9_.+*#-]{1,64}$/;
const TARGET_URI = /^sips?:[^\s<>"]+$/i;
const DIGITS = /^[0-9A-D*#]+$/i;

export type ValidationResult =
  | { ok: true; message: SoftphoneClientMessage }
  | { ok: false; error: Extract<SoftphoneServerMessage, { type: 'error' }> };

function fail(code: SoftphoneErrorCode, detail?: string, callId?: string): ValidationResult {
  const message = detail ? `${ERROR_TEXT[code]}：${detail}` : ERROR_TEXT[code];
  return { ok: false, error: { type: 'error', code, message, ...(callId !== undefined ? { callId } : {}) } };
}

function badField(field: string, callId?: string): ValidationResult {
  return fail('bad-field', FIELD_TEXT[field] ?? field, callId);
}

/** Validates a browser message (already JSON-parsed, otherwise untrusted). Never throws. */
export function validateClientMessage(input: unknown): ValidationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail('bad-message');
  const m = input as Record<string, unknown>;
  const type = m['type'];
  if (typeof type !== 'string') return fail('bad-message');
  if (type === 'dial') {
    const target = m['target'];
    if (!validTarget(target)) return badField('target');
    return { ok: true, message: { type, target } };
  }
  if (!['answer', 'reject', 'hangup', 'hold', 'transfer', 'dtmf'].includes(type)) return fail('unknown-type', type.length <= 32 ? type : undefined);
  const callId = m['callId'];
  if (typeof callId !== 'string' || callId.length === 0 || callId.length > LIMITS.callId || !CALL_ID.test(callId)) return badField('callId');
  switch (type) {
    case 'answer': {
      const sdp = m['sdp'];
      if (typeof sdp !== 'string' || sdp.length > LIMITS.sdp || !/^v=0\r?\n/.test(sdp) || !/\nm=audio /.test(sdp)) return badField('sdp', callId);
      return { ok: true, message: { type, callId, sdp } };
    }
    case 'reject':
    case 'hangup':
      return { ok: true, message: { type, callId } };
    case 'hold': {
      const on = m['on'];
      if (typeof on !== 'boolean') return badField('on', callId);
      return { ok: true, message: { type, callId, on } };
    }
    case 'transfer': {
      const target = m['target'];
      if (!validTarget(target)) return badField('target', callId);
      return { ok: true, message: { type, callId, target } };
    }
    default: {
      const digits = m['digits'];
      if (typeof digits !== 'string' || digits.length === 0 || digits.length > LIMITS.digits || !DIGITS.test(digits)) return badField('digits', callId);
      return { ok: true, message: { type: 'dtmf', callId, digits: digits.toUpperCase() } };
    }
  }
}

function validTarget(target: unknown): target is string {
  if (typeof target !== 'string' || target.length === 0 || target.length > LIMITS.target) return false;
  return TARGET_NUMBER.test(target) || TARGET_URI.test(target);
}

export function errorMessage(code: SoftphoneErrorCode, callId?: string, detail?: string): Extract<SoftphoneServerMessage, { type: 'error' }> {
  const message = detail ? `${ERROR_TEXT[code]}：${detail}` : ERROR_TEXT[code];
  return { type: 'error', code, message, ...(callId !== undefined ? { callId } : {}) };
}
