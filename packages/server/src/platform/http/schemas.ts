import { Type, type TSchema } from '@sinclair/typebox';

/** Shared TypeBox pieces. Every body schema forbids unknown fields. */
export const Id = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Id });
export const Code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });
export const Name = Type.String({ minLength: 1, maxLength: 100 });
export const Ok = Type.Object({ ok: Type.Boolean() });

export const Body = <T extends Record<string, TSchema>>(props: T) => Type.Object(props, { additionalProperties: false });

export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
};

export const Paged = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), total: Type.Integer() });

/** A string enum whose static type keeps the literals (mapping Type.Literal over an array widens to string). */
export const OneOf = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v))) as unknown as TSchema & { static: T };
