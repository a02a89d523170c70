#!/usr/bin/env node
// Check Camunda Forms (form-js JSON) against what Operaton 1.0.3's Tasklist runs: form-js-viewer
// 1.17.0 (the version its webjar bundles; pinned in package.json, checked below). Each file must
//   - validate against form-js 1.17.0's JSON Schema (schemas/form-js-1.17.0.schema.json) and use
//     only component properties that schema knows;
//   - import cleanly into the form-js 1.17.0 viewer (run under jsdom);
//   - target Camunda 7: executionPlatform "Camunda Platform", executionPlatformVersion 7.x;
//   - submit primitives only: Tasklist sends an object or list value as a `Json` variable, which this
//     engine refuses (no Spin JSON), so no checklist/taglist/dynamic list/file picker, no dotted key,
//     no group `path`, and no `valuesKey` (its options would have to be a Json variable);
//   - not read into structured values: our structured process variables are JSON text, which form-js
//     cannot look into, so a template or expression may not use `a.b` (give the user task an input
//     parameter holding the primitive instead);
// and follow the project conventions:
//   - schema `id` equals the file name without `.form`;
//   - every input field (component with a `key`) has a non-empty label containing Cyrillic;
//   - register-number / phone fields have `validate.pattern` (a valid RegExp) and a
//     Cyrillic `validate.patternErrorMessage`.
//
// Usage: node tools/modeling/check-forms.mjs FILE...
// Exit code: 0 = all forms OK, 1 = any problem, 2 = usage error.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, relative, resolve } from 'node:path';

import { JSDOM } from 'jsdom';

const require = createRequire(import.meta.url);

/** The form-js version Operaton 1.0.3's Tasklist bundles (operaton-webapp-webjar 1.0.3, lib/deps.js). */
const TASKLIST_FORM_JS = '1.17.0';
const SCHEMA_PATH = new URL(`./schemas/form-js-${TASKLIST_FORM_JS}.schema.json`, import.meta.url);

// form-js needs a DOM: expose a jsdom window as globals *before* loading it.
const dom = new JSDOM('<!doctype html><html><body></body></html>', {
  pretendToBeVisual: true,
  url: 'http://localhost/',
});
globalThis.window = dom.window;
for (const name of Object.getOwnPropertyNames(dom.window)) {
  if (!(name in globalThis)) globalThis[name] = dom.window[name];
}
// The ESM build targets bundlers; the CommonJS build runs under Node as is.
const { Form } = require('@bpmn-io/form-js-viewer');
const viewerVersion = require('@bpmn-io/form-js-viewer/package.json').version;
if (viewerVersion !== TASKLIST_FORM_JS) {
  console.error(`@bpmn-io/form-js-viewer ${viewerVersion} is installed, Tasklist runs ${TASKLIST_FORM_JS}: run \`make setup\``);
  process.exit(2);
}

const Ajv = require('ajv');
const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
const validateSchema = new Ajv({ allErrors: true, strict: false }).compile(schema);
const componentSchema = schema.properties.components.items.properties;
const KNOWN_PROPERTIES = {
  form: new Set([...Object.keys(schema.properties), '$schema']),
  component: new Set(Object.keys(componentSchema)),
  validate: new Set(Object.keys(componentSchema.validate.properties)),
  conditional: new Set(Object.keys(componentSchema.conditional.properties)),
};

const EXECUTION_PLATFORM = 'Camunda Platform';
const CYRILLIC = /\p{Script=Cyrillic}/u;
const REGISTER_NUMBER_KEY = /^(registerNumber|.+RegisterNumber)$/;
const PHONE_KEY = /^(phone|.+Phone)(Number)?$/;
// Keyed, but computed and never shown to the user, so no label is needed.
const UNLABELLED_KEYED_TYPES = new Set(['expression']);
// Their value is a list or an object, which Tasklist submits as a `Json` variable.
const STRUCTURED_VALUE_TYPES = new Set(['checklist', 'taglist', 'dynamiclist', 'filepicker']);
// Properties holding a template (`{{ ... }}`) or a FEEL expression (`=...`).
const EXPRESSION_PROPS = ['text', 'label', 'description', 'content', 'url', 'source', 'alt', 'valuesExpression',
  'dateLabel', 'timeLabel', 'readonly', 'disabled'];

/** Yield every component of a schema, including those nested in groups / dynamic lists. */
function* walk(components = []) {
  for (const component of components) {
    yield component;
    yield* walk(component.components);
  }
}

/** Label properties a field shows; datetime fields use dateLabel/timeLabel instead of `label`. */
function labelPropsOf(field) {
  if (field.type !== 'datetime') return ['label'];
  const subtype = field.subtype ?? 'date';
  return [...(subtype !== 'time' ? ['dateLabel'] : []), ...(subtype !== 'date' ? ['timeLabel'] : [])];
}

/** The value a JSON pointer (`/components/0/key`) points at. */
function at(form, pointer) {
  return pointer.split('/').slice(1).reduce((value, segment) => value?.[segment.replace(/~1/g, '/').replace(/~0/g, '~')], form);
}

function schemaProblems(form) {
  if (validateSchema(form)) return [];
  return validateSchema.errors
    // `if`/`then` wrappers only repeat the error of the property they refuse.
    .filter((e) => e.keyword !== 'if')
    .map((e) => {
      const where = e.instancePath || '/';
      if (e.keyword === 'false schema') {
        const owner = at(form, where.replace(/\/(validate\/)?[^/]*$/, ''));
        return `form-js ${TASKLIST_FORM_JS} schema: ${where} is not allowed on a ${owner?.type ?? 'component'}`;
      }
      const allowed = e.params?.allowedValues ? ` (${e.params.allowedValues.join(', ')})` : '';
      return `form-js ${TASKLIST_FORM_JS} schema: ${where} ${e.message}${allowed}`;
    });
}

function unknownProperties(form) {
  const problems = [];
  const unknown = (object, known) => Object.keys(object ?? {}).filter((k) => !known.has(k));
  for (const prop of unknown(form, KNOWN_PROPERTIES.form)) problems.push(`unknown form property "${prop}"`);
  for (const field of walk(form.components)) {
    const where = `${field.id ?? '?'} (${field.type})`;
    for (const prop of unknown(field, KNOWN_PROPERTIES.component)) {
      problems.push(`${where}: property "${prop}" is unknown to form-js ${TASKLIST_FORM_JS}`);
    }
    for (const prop of unknown(field.validate, KNOWN_PROPERTIES.validate)) {
      problems.push(`${where}: validate.${prop} is unknown to form-js ${TASKLIST_FORM_JS}`);
    }
    for (const prop of unknown(field.conditional, KNOWN_PROPERTIES.conditional)) {
      problems.push(`${where}: conditional.${prop} is unknown to form-js ${TASKLIST_FORM_JS}`);
    }
  }
  return problems;
}

/** Expressions and templates a component holds: `=...` values and `{{ ... }}` parts of text. */
function expressionsOf(field) {
  const texts = [
    ...EXPRESSION_PROPS.map((prop) => field[prop]),
    field.conditional?.hide,
    ...Object.entries(field.validate ?? {}).filter(([prop]) => prop !== 'pattern').map(([, value]) => value),
  ].filter((value) => typeof value === 'string');
  return texts.flatMap((text) => [
    ...(text.startsWith('=') ? [text.slice(1)] : []),
    ...Array.from(text.matchAll(/\{\{(.*?)\}\}/gs), (m) => m[1]),
  ]);
}

/** `a.b` paths an expression reads (string literals left out). */
function memberPaths(expression) {
  const withoutStrings = expression.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return Array.from(withoutStrings.matchAll(/(?<![\w.])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)/g), (m) => m[1]);
}

function camunda7Problems(form) {
  const problems = [];
  if (form.executionPlatform !== EXECUTION_PLATFORM) {
    problems.push(`executionPlatform is ${JSON.stringify(form.executionPlatform)}, expected "${EXECUTION_PLATFORM}"`);
  }
  if (!/^7\.\d+\.\d+$/.test(form.executionPlatformVersion ?? '')) {
    problems.push(`executionPlatformVersion is ${JSON.stringify(form.executionPlatformVersion)}, expected 7.x.y`);
  }
  for (const field of walk(form.components)) {
    const where = `${field.id ?? '?'} (${field.type}${field.key ? `, key "${field.key}"` : ''})`;
    const json = 'Tasklist would submit a Json variable, which the engine refuses';
    if (STRUCTURED_VALUE_TYPES.has(field.type)) problems.push(`${where}: its value is a list or object: ${json}`);
    if (field.key?.includes('.')) problems.push(`${where}: a dotted key submits an object: ${json}`);
    if (field.path) problems.push(`${where}: path "${field.path}" submits an object: ${json}`);
    if (field.valuesKey) {
      problems.push(`${where}: valuesKey needs a Json variable; list the options in "values"`);
    }
    for (const path of new Set(expressionsOf(field).flatMap(memberPaths))) {
      problems.push(`${where}: reads "${path}", but structured variables are JSON text form-js cannot look into; `
        + 'give the user task an input parameter with the value');
    }
  }
  return problems;
}

function conventionProblems(form, file) {
  const problems = [];
  const expectedId = basename(file).replace(/\.form$/, '');
  if (form.id !== expectedId) {
    problems.push(`form id "${form.id}" does not match the file name (expected "${expectedId}")`);
  }

  for (const field of walk(form.components)) {
    if (!field.key) continue;
    const where = `${field.id ?? '?'} (${field.type}, key "${field.key}")`;

    if (!UNLABELLED_KEYED_TYPES.has(field.type)) {
      for (const prop of labelPropsOf(field)) {
        const label = field[prop];
        if (!label || !label.trim()) problems.push(`${where}: missing ${prop}`);
        else if (!CYRILLIC.test(label)) problems.push(`${where}: ${prop} "${label}" has no Cyrillic text`);
      }
    }

    const validate = field.validate ?? {};
    if (validate.pattern) {
      try {
        new RegExp(validate.pattern);
      } catch (err) {
        problems.push(`${where}: validate.pattern is not a valid RegExp: ${err.message}`);
      }
    }

    const lastKeySegment = field.key.split('.').pop();
    if (REGISTER_NUMBER_KEY.test(lastKeySegment) || PHONE_KEY.test(lastKeySegment)) {
      if (!validate.pattern) problems.push(`${where}: needs validate.pattern`);
      const message = validate.patternErrorMessage;
      if (!message || !message.trim()) problems.push(`${where}: needs validate.patternErrorMessage`);
      else if (!CYRILLIC.test(message)) problems.push(`${where}: validate.patternErrorMessage has no Cyrillic text`);
    }
  }
  return problems;
}

/** Import the schema into a real form-js viewer; returns an error message or null. */
async function importError(form) {
  const container = document.createElement('div');
  document.body.appendChild(container);
  const viewer = new Form({ container });
  try {
    await viewer.importSchema(form);
    return null;
  } catch (err) {
    return err.message;
  } finally {
    viewer.destroy();
    container.remove();
  }
}

async function checkFile(file) {
  let form;
  try {
    form = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return [`cannot read/parse JSON: ${err.message}`];
  }
  const problems = [...schemaProblems(form), ...unknownProperties(form)];
  const error = await importError(form);
  if (error) problems.push(`form-js import failed: ${error}`);
  return [...problems, ...camunda7Problems(form), ...conventionProblems(form, file)];
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('Usage: node tools/modeling/check-forms.mjs FILE...');
  process.exit(2);
}

let failing = 0;
for (const file of files) {
  const rel = relative(process.cwd(), resolve(file));
  const problems = await checkFile(file);
  failing += problems.length;
  console.log(`${problems.length ? 'FAIL' : 'OK  '} ${rel.startsWith('..') ? resolve(file) : rel}`);
  for (const p of problems) console.log(`  - ${p}`);
}

console.log(failing
  ? `\n${failing} problem(s) in ${files.length} form(s).`
  : `\nAll ${files.length} form(s) OK for form-js ${TASKLIST_FORM_JS} (Operaton Tasklist).`);
process.exit(failing ? 1 : 0);
