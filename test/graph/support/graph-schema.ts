import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A small JSON-schema validator over Microsoft's published Graph v1.0 OpenAPI extract
 * (test/fixtures/graph/graph-v1.0-subset.json; its README names source, commit and license). It implements what the extract uses: $ref, allOf, type,
 * nullable, properties, items, required, enum, pattern, minimum, maximum. additionalProperties is
 * ignored on purpose (see the extract's README: every part declares it, so honouring it would reject
 * genuine Graph objects).
 */
type Schema = Record<string, unknown>;

const here = path.dirname(fileURLToPath(import.meta.url));
const SPEC_PATH =
  process.env.GRAPH_SPEC_PATH ?? path.resolve(here, '../../fixtures/graph/graph-v1.0-subset.json');

let spec: { paths: Record<string, Schema>; components: Record<string, Record<string, Schema>> } | undefined;

export function graphSpec() {
  spec ??= JSON.parse(readFileSync(SPEC_PATH, 'utf8'));
  return spec!;
}

function resolveRef(ref: string): Schema {
  const parts = ref.replace(/^#\//, '').split('/');
  let node: unknown = graphSpec();
  for (const part of parts) node = (node as Record<string, unknown>)[part];
  if (!node) throw new Error(`unresolvable $ref ${ref}`);
  return node as Schema;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

export function validate(schema: Schema, value: unknown, at = '$', errors: string[] = []): string[] {
  if (schema.$ref) return validate(resolveRef(schema.$ref as string), value, at, errors);
  if (Array.isArray(schema.allOf))
    for (const part of schema.allOf as Schema[]) validate(part, value, at, errors);
  if (value === null) {
    if (schema.type !== undefined && schema.nullable !== true) errors.push(`${at}: null is not allowed`);
    return errors;
  }
  const actual = typeOf(value);
  if (schema.type !== undefined) {
    const ok = schema.type === actual || (schema.type === 'number' && actual === 'integer');
    if (!ok) {
      errors.push(`${at}: expected ${schema.type}, got ${actual}`);
      return errors;
    }
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    errors.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if (
    typeof value === 'string' &&
    typeof schema.pattern === 'string' &&
    !new RegExp(schema.pattern).test(value)
  ) {
    errors.push(`${at}: "${value}" does not match ${schema.pattern}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) errors.push(`${at}: below minimum`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) errors.push(`${at}: above maximum`);
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    for (const name of (schema.required as string[] | undefined) ?? []) {
      if (!(name in object)) errors.push(`${at}: missing required ${name}`);
    }
    const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [name, child] of Object.entries(properties)) {
      if (name in object) validate(child, object[name], `${at}.${name}`, errors);
    }
  }
  if (actual === 'array' && schema.items) {
    (value as unknown[]).forEach((item, i) => validate(schema.items as Schema, item, `${at}[${i}]`, errors));
  }
  return errors;
}

export const schemaRef = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/** The 2XX (or default, for errors) JSON schema of a GET operation in the extract. */
export function responseSchema(specPath: string, outcome: '2XX' | 'default'): Schema {
  const operation = graphSpec().paths[specPath]?.get as Schema | undefined;
  if (!operation) throw new Error(`no GET ${specPath} in the extract`);
  let response = (operation.responses as Record<string, Schema>)[outcome];
  if (response.$ref) response = resolveRef(response.$ref as string);
  return ((response.content as Record<string, Schema>)['application/json'] as Schema).schema as Schema;
}

/**
 * Validates a members / transitiveMembers page: the directoryObject collection, and each member
 * typed #microsoft.graph.user against the user schema (as the extract's README advises).
 */
export function validateMemberCollection(specPath: string, body: unknown): string[] {
  const errors = validate(responseSchema(specPath, '2XX'), body);
  const value = (body as { value?: Record<string, unknown>[] }).value ?? [];
  value.forEach((item, i) => {
    if (item['@odata.type'] === '#microsoft.graph.user')
      validate(schemaRef('microsoft.graph.user'), item, `$.value[${i}]`, errors);
  });
  return errors;
}
