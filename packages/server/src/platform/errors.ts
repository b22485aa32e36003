/**
 * Application errors carry a stable machine code and a Chinese message a user understands.
 * The HTTP layer turns them into RFC 7807 problem+json.
 */
export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
    readonly errors?: FieldError[],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what = '记录') => new AppError('NOT_FOUND', `${what}不存在或无权访问`, 404);
export const forbidden = (message = '您没有执行此操作的权限') => new AppError('FORBIDDEN', message, 403);
export const conflict = (message: string) => new AppError('CONFLICT', message, 409);
export const invalid = (message: string, errors?: FieldError[]) =>
  new AppError('VALIDATION_FAILED', message, 400, errors);
export const unauthenticated = (code = 'AUTH_REQUIRED', message = '请先登录') =>
  new AppError(code, message, 401);
