/**
 * The part of JSON Schema the four plugins' manifests use (type, properties, additionalProperties: false, items,
 * enum, minimum, maximum, minLength, pattern), as a checker for the config-parity table: whether a manifest's
 * `configSchema` lets a config through OpenClaw's loader. test/openclaw/*-config tests confirm the edge cases on
 * the real loader.
 */

export interface Schema {
  readonly type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: boolean;
  readonly items?: Schema;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly pattern?: string;
}

function typeMatches(type: Schema['type'], value: unknown): boolean {
  switch (type) {
    case undefined: return true;
    case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array': return Array.isArray(value);
    case 'integer': return typeof value === 'number' && Number.isInteger(value);
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    default: return typeof value === type;
  }
}

/** The first violation as "path: reason", or null when `value` is valid. */
export function schemaViolation(schema: Schema, value: unknown, path = '(root)'): string | null {
  if (!typeMatches(schema.type, value)) return `${path}: must be ${schema.type}`;
  if (schema.enum !== undefined && !schema.enum.includes(value)) return `${path}: must be one of ${JSON.stringify(schema.enum)}`;
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return `${path}: must be >= ${schema.minimum}`;
    if (schema.maximum !== undefined && value > schema.maximum) return `${path}: must be <= ${schema.maximum}`;
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) return `${path}: must have at least ${schema.minLength} characters`;
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) return `${path}: must match ${schema.pattern}`;
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    for (const [i, item] of value.entries()) {
      const problem = schemaViolation(schema.items, item, `${path}[${i}]`);
      if (problem !== null) return problem;
    }
  }
  if (schema.type === 'object' && typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      const property = schema.properties?.[key];
      if (property === undefined) {
        if (schema.additionalProperties === false) return `${key}: not a property of this schema`;
        continue;
      }
      const problem = schemaViolation(property, child, key);
      if (problem !== null) return problem;
    }
  }
  return null;
}
