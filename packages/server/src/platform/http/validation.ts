import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS with a default export that TypeScript sees one level deep.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * Bodies are validated strictly: no type coercion and no silent stripping of unknown fields, so a
 * client that sends the wrong shape learns it. Query strings and path params arrive as text and
 * are coerced to the declared types.
 */
function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    coerceTypes: coerce ? 'array' : false,
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}

const strict = makeAjv(false);
const coercing = makeAjv(true);

// PostgreSQL text cannot hold NUL, and a lone UTF-16 surrogate has no UTF-8 encoding: either one
// would fail in the database as a 500, so they are rejected here as invalid input.
const ILLEGAL_CHARS = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** JSON pointer of the first string (value or key) with an illegal character, or null. */
function findIllegalString(data: unknown, path: string, depth = 0): string | null {
  if (typeof data === 'string') return ILLEGAL_CHARS.test(data) ? path : null;
  if (data === null || typeof data !== 'object' || depth > 64) return null;
  for (const [k, v] of Object.entries(data)) {
    const at = `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (ILLEGAL_CHARS.test(k)) return at;
    const found = findIllegalString(v, at, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strict : coercing;
  const validate = ajv.compile(schema as object) as ValidateFunction;
  const checked = (data: unknown): boolean => {
    if (!validate(data)) {
      checked.errors = validate.errors;
      return false;
    }
    const bad = findIllegalString(data, '');
    checked.errors = bad === null ? null : [{ instancePath: bad, keyword: 'illegalCharacter', message: '包含不允许的字符（空字符或不完整的 Unicode 字符）', params: {}, schemaPath: '' }];
    return bad === null;
  };
  checked.errors = null as ValidateFunction['errors'];
  return checked;
};
