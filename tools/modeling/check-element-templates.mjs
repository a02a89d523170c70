#!/usr/bin/env node
// Check Camunda Modeler element templates against the Camunda 7 element-templates JSON Schema
// (@camunda/element-templates-json-schema, pinned in package.json) with ajv. The schema allows unknown
// keys, so a misspelt one ("lable") would pass silently: this check also refuses keys the schema does not
// define, at every level (template, group, property, constraints, binding). And the templates must be for
// Camunda 7 only: the Camunda 7 `$schema`, only Camunda 7 binding types, unique ids and names.
//
// Usage: node tools/modeling/check-element-templates.mjs FILE...
// Exit code: 0 = all files OK, 1 = any problem, 2 = usage error.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const Ajv = require('ajv');
const schema = require('@camunda/element-templates-json-schema/resources/schema.json');

const CAMUNDA_7_SCHEMA = 'https://unpkg.com/@camunda/element-templates-json-schema/resources/schema.json';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('Usage: node tools/modeling/check-element-templates.mjs FILE...');
  process.exit(2);
}

// The schema takes one template or a list (oneOf); each template is validated on its own, so errors name it.
const { oneOf: _oneTemplateOrList, ...definitionsOnly } = schema;
const validate = new Ajv({ allErrors: true, strict: false })
  .compile({ ...definitionsOnly, $ref: '#/definitions/template' });

const templateDefinition = schema.definitions.template;
const propertyItems = schema.definitions.properties.allOf[0].items.properties;
const bindingProperties = schema.definitions.properties.allOf[1].items.properties.binding.properties;
const BINDING_TYPES = new Set(bindingProperties.type.enum); // Camunda 7's: property, camunda:property, ...
const KNOWN = {
  template: new Set([
    ...Object.keys(templateDefinition.allOf[0].properties),
    ...Object.keys(templateDefinition.properties),
  ]),
  group: new Set(Object.keys(templateDefinition.allOf[0].properties.groups.items.properties)),
  property: new Set([...Object.keys(propertyItems), 'binding']),
  constraints: new Set(Object.keys(propertyItems.constraints.properties)),
  pattern: new Set(Object.keys(propertyItems.constraints.properties.pattern.oneOf[0].properties)),
  binding: new Set(Object.keys(bindingProperties)),
  choice: new Set(Object.keys(propertyItems.choices.items.properties)),
};

function unknownKeys(object, kind, where) {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) return [];
  return Object.keys(object).filter((key) => !KNOWN[kind].has(key)).map((key) => `${where}: unknown key "${key}"`);
}

/** Problems of one template beyond the schema: unknown keys and anything not Camunda 7. */
function conventionProblems(template, where) {
  const problems = unknownKeys(template, 'template', where);
  if (template.$schema !== CAMUNDA_7_SCHEMA) {
    problems.push(`${where}: $schema is ${JSON.stringify(template.$schema)}, not the Camunda 7 schema ${CAMUNDA_7_SCHEMA}`);
  }
  for (const [i, group] of (template.groups ?? []).entries()) {
    problems.push(...unknownKeys(group, 'group', `${where} groups[${i}]`));
  }
  for (const [i, property] of (template.properties ?? []).entries()) {
    const at = `${where} properties[${i}]${property?.label ? ` (${property.label})` : ''}`;
    problems.push(...unknownKeys(property, 'property', at));
    problems.push(...unknownKeys(property?.constraints, 'constraints', `${at} constraints`));
    const pattern = property?.constraints?.pattern;
    if (typeof pattern === 'object') problems.push(...unknownKeys(pattern, 'pattern', `${at} pattern`));
    for (const choice of property?.choices ?? []) problems.push(...unknownKeys(choice, 'choice', `${at} choice`));
    problems.push(...unknownKeys(property?.binding, 'binding', `${at} binding`));
    const type = property?.binding?.type ?? '';
    if (!BINDING_TYPES.has(type)) problems.push(`${at}: binding ${type} is not a Camunda 7 binding type`);
  }
  return problems;
}

function schemaProblems(template, where) {
  if (validate(template)) return [];
  // if/oneOf/anyOf failures repeat what the errors under them say; keep the specific ones.
  const specific = validate.errors.filter((error) => !['if', 'oneOf', 'anyOf'].includes(error.keyword));
  if (specific.length === 0) return [`${where}: invalid against the schema`];
  return specific.map((error) => `${where}: schema: ${error.instancePath || '/'} ${error.message}${
    error.params?.allowedValues ? ` (${error.params.allowedValues.join(', ')})` : ''}`);
}

function checkFile(file) {
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return [`cannot read: ${err.message}`];
  }
  const problems = [];
  const templates = Array.isArray(parsed) ? parsed : [parsed];
  const seen = { id: new Map(), name: new Map() };
  templates.forEach((template, i) => {
    const where = `[${i}] ${template?.id ?? '(no id)'}`;
    problems.push(...schemaProblems(template, where));
    problems.push(...conventionProblems(template ?? {}, where));
    for (const key of ['id', 'name']) {
      const value = `${template?.[key]}@${template?.version ?? '_'}`;
      if (seen[key].has(value)) problems.push(`${where}: ${key} ${template[key]} also used by [${seen[key].get(value)}]`);
      seen[key].set(value, i);
    }
  });
  return problems;
}

let failing = 0;
for (const file of files) {
  const rel = relative(process.cwd(), resolve(file));
  const problems = checkFile(file);
  failing += problems.length;
  console.log(`${problems.length ? 'FAIL' : 'OK  '} ${rel.startsWith('..') ? resolve(file) : rel}`);
  for (const problem of problems) console.log(`  ${problem}`);
}
process.exit(failing ? 1 : 0);
