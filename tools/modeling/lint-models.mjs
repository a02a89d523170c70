#!/usr/bin/env node
// Lint BPMN files with bpmnlint + the Camunda compat plugin, using the repo's .bpmnlintrc.
// The Camunda 7 moddle extension (camunda-bpmn-moddle) is loaded so camunda:* attributes and
// extension elements are understood, and unknown ones reported (the set-up of Camunda Modeler's
// "Camunda 7" mode).
//
// Usage: node tools/modeling/lint-models.mjs FILE...
// Exit code: 0 = clean, 1 = any error or warning (incl. XML import warnings), 2 = usage error.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { BpmnModdle } from 'bpmn-moddle';

const require = createRequire(import.meta.url);
const Linter = require('bpmnlint/lib/linter');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
const camundaDescriptor = require('camunda-bpmn-moddle/resources/camunda.json');

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CONFIG_PATH = resolve(REPO_ROOT, '.bpmnlintrc');

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('Usage: node tools/modeling/lint-models.mjs FILE...');
  process.exit(2);
}

const config = JSON.parse(readFileSync(CONFIG_PATH, 'utf8'));

/** Lint one file; returns a list of { id, category, message, rule }. */
async function lintFile(file) {
  // A moddle and a linter per file: rules such as no-duplicate-sequence-flows keep state between
  // runs, and would report another file's flows with the same ids as duplicates.
  const moddle = new BpmnModdle({ camunda: camundaDescriptor });
  // Resolve rules/plugins from this tool's node_modules, whatever the cwd is.
  const linter = new Linter({ config, resolver: new NodeResolver({ require }) });
  let parsed;
  try {
    parsed = await moddle.fromXML(readFileSync(file, 'utf8'));
  } catch (err) {
    return [{ id: '', category: 'error', message: `Cannot parse: ${err.message}`, rule: 'xml-import' }];
  }

  // Import warnings (unknown elements/attributes, broken references) count as errors.
  const problems = parsed.warnings.map((w) => ({
    id: w.element?.id ?? '',
    category: 'error',
    message: `Import warning: ${w.message.split('\n')[0]}`,
    rule: 'xml-import',
  }));

  const results = await linter.lint(parsed.rootElement);
  for (const [rule, reports] of Object.entries(results)) {
    for (const r of reports) {
      // bpmnlint categories: 'error', 'warn', 'info', 'rule-error' (a crashing rule).
      const category = r.category === 'rule-error' ? 'error' : r.category;
      problems.push({ id: r.id ?? '', category, message: r.message, rule });
    }
  }
  return problems;
}

let failing = 0;
for (const file of files) {
  const rel = relative(process.cwd(), resolve(file));
  const name = rel.startsWith('..') ? resolve(file) : rel;
  const problems = await lintFile(file);
  const blocking = problems.filter((p) => p.category === 'error' || p.category === 'warn');
  failing += blocking.length;

  console.log(`${blocking.length ? 'FAIL' : 'OK  '} ${name}`);
  for (const p of problems) {
    console.log(`  ${p.category.padEnd(5)}  ${(p.id || '-').padEnd(32)}  ${p.message}  [${p.rule}]`);
  }
}

console.log(
  failing
    ? `\n${failing} blocking problem(s) in ${files.length} file(s).`
    : `\nAll ${files.length} BPMN file(s) passed bpmnlint (${[config.extends].flat().join(' + ')}).`,
);
process.exit(failing ? 1 : 0);
