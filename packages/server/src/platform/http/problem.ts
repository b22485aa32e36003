import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldError } from '../errors.js';

/** RFC 7807 body; `code` is stable for programs, `detail` is Chinese for people. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  errors?: FieldError[];
}

const TITLES: Record<number, string> = {
  400: '请求有误',
  401: '未登录或登录已失效',
  403: '无权访问',
  404: '未找到',
  409: '数据冲突',
  413: '请求内容过大',
  415: '不支持的内容类型',
  422: '无法处理',
  423: '账号已锁定',
  429: '请求过于频繁',
  500: '系统内部错误',
};

interface AjvLikeError {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

function describeValidation(errs: AjvLikeError[], context: string): FieldError[] {
  return errs.map((e) => {
    const path = `${context}${e.instancePath ?? ''}`;
    switch (e.keyword) {
      case 'required':
        return { path: `${path}/${String(e.params?.missingProperty)}`, message: '缺少必填字段' };
      case 'additionalProperties':
        return { path: `${path}/${String(e.params?.additionalProperty)}`, message: '不允许的字段' };
      case 'type':
        return { path, message: `类型错误，应为 ${String(e.params?.type)}` };
      case 'maxLength':
        return { path, message: `长度不能超过 ${String(e.params?.limit)}` };
      case 'minLength':
        return { path, message: `长度不能少于 ${String(e.params?.limit)}` };
      case 'enum':
        return { path, message: '取值不在允许范围内' };
      case 'format':
        return { path, message: `格式错误，应为 ${String(e.params?.format)}` };
      default:
        return { path, message: e.message ?? '取值无效' };
    }
  });
}

export function toProblem(err: unknown, req: FastifyRequest): Problem {
  const base = { type: 'about:blank', instance: req.url.split('?')[0] };
  if (err instanceof AppError) {
    return { ...base, title: TITLES[err.status] ?? '请求失败', status: err.status, code: err.code, detail: err.message, errors: err.errors };
  }
  const fe = err as FastifyError & { validation?: AjvLikeError[]; validationContext?: string };
  if (fe.validation) {
    const errors = describeValidation(fe.validation, fe.validationContext ?? '');
    return { ...base, title: TITLES[400]!, status: 400, code: 'VALIDATION_FAILED', detail: `请求参数校验失败：${errors.map((e) => `${e.path} ${e.message}`).join('；')}`, errors };
  }
  const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 600 ? fe.statusCode : 500;
  if (status >= 500) {
    return { ...base, title: TITLES[500]!, status: 500, code: 'INTERNAL', detail: '系统繁忙，请稍后重试；如持续出现请联系管理员' };
  }
  const code = fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'BODY_TOO_LARGE' : fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'UNSUPPORTED_MEDIA_TYPE' : fe.code?.startsWith('FST_ERR_CTP') || fe.name === 'SyntaxError' ? 'MALFORMED_BODY' : status === 429 ? 'RATE_LIMITED' : 'BAD_REQUEST';
  const detail: Record<string, string> = {
    BODY_TOO_LARGE: '请求内容过大',
    UNSUPPORTED_MEDIA_TYPE: '不支持的内容类型，请使用 application/json',
    MALFORMED_BODY: '请求内容格式错误，无法解析',
    RATE_LIMITED: '请求过于频繁，请稍后再试',
    BAD_REQUEST: '请求有误',
  };
  return { ...base, title: TITLES[status] ?? '请求有误', status, code, detail: detail[code] ?? '请求有误' };
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type('application/problem+json; charset=utf-8').send(problem);
}
