#!/usr/bin/env node
// Check Camunda (form-js) forms: each file must import cleanly into the form-js viewer
// (run under jsdom) and follow the project conventions:
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
const { Form } = createRequire(import.meta.url)('@bpmn-io/form-js-viewer');

const CYRILLIC = /\p{Script=Cyrillic}/u;
const REGISTER_NUMBER_KEY = /^(registerNumber|.+RegisterNumber)$/;
const PHONE_KEY = /^(phone|.+Phone)(Number)?$/;
// Keyed, but computed and never shown to the user, so no label is needed.
const UNLABELLED_KEYED_TYPES = new Set(['expression']);

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

function checkConventions(schema, file) {
  const problems = [];
  const expectedId = basename(file).replace(/\.form$/, '');
  if (schema.id !== expectedId) {
    problems.push(`form id "${schema.id}" does not match the file name (expected "${expectedId}")`);
  }

  for (const field of walk(schema.components)) {
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
async function importError(schema) {
  const container = document.createElement('div');
  document.body.appendChild(container);
  const form = new Form({ container });
  try {
    await form.importSchema(schema);
    return null;
  } catch (err) {
    return err.message;
  } finally {
    form.destroy();
    container.remove();
  }
}

async function checkFile(file) {
  let schema;
  try {
    schema = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return [`cannot read/parse JSON: ${err.message}`];
  }
  const problems = [];
  const error = await importError(schema);
  if (error) problems.push(`form-js import failed: ${error}`);
  return [...problems, ...checkConventions(schema, file)];
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

console.log(failing ? `\n${failing} problem(s) in ${files.length} form(s).` : `\nAll ${files.length} form(s) OK.`);
process.exit(failing ? 1 : 0);
