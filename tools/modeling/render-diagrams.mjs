#!/usr/bin/env node
// Render BPMN diagrams to SVG and PNG with bpmn-js (NavigatedViewer) in headless Debian
// Chromium driven by playwright-core. bpmn-js is injected from node_modules: no network,
// no CDN, no browser download. The viewer gets the Camunda 7 moddle extension
// (camunda-bpmn-moddle), as Camunda Modeler's "Camunda 7" mode does, so camunda:* attributes and
// extension elements are read as what they are (import warnings are printed).
//
// Usage: node tools/modeling/render-diagrams.mjs OUTDIR FILE...
// Writes OUTDIR/<name>.svg and OUTDIR/<name>.png for each FILE <name>.bpmn.
// Exit code: 0 = all rendered, 1 = any import/render error, 2 = usage error.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

const require = createRequire(import.meta.url);
const bpmnJsDist = dirname(require.resolve('bpmn-js/dist/bpmn-navigated-viewer.production.min.js'));
const VIEWER_JS = join(bpmnJsDist, 'bpmn-navigated-viewer.production.min.js');
const VIEWER_CSS = ['diagram-js.css', 'bpmn-js.css'].map((f) => join(bpmnJsDist, 'assets', f));
const CAMUNDA_DESCRIPTOR = require('camunda-bpmn-moddle/resources/camunda.json');

const [outDir, ...files] = process.argv.slice(2);
if (!outDir || files.length === 0) {
  console.error('Usage: node tools/modeling/render-diagrams.mjs OUTDIR FILE...');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

/** Import the XML into a fresh NavigatedViewer page and export it as SVG. */
async function renderSvg(page, xml) {
  await page.setContent('<!doctype html><html><body><div id="canvas" style="width:1600px;height:1000px"></div></body></html>');
  for (const path of VIEWER_CSS) await page.addStyleTag({ path });
  await page.addScriptTag({ path: VIEWER_JS }); // defines window.BpmnJS
  return page.evaluate(async ({ diagramXml, camunda }) => {
    const viewer = new window.BpmnJS({ container: '#canvas', moddleExtensions: { camunda } });
    const { warnings } = await viewer.importXML(diagramXml);
    const { svg } = await viewer.saveSVG();
    viewer.destroy();
    return { svg, warnings: warnings.map((w) => w.message.split('\n')[0]) };
  }, { diagramXml: xml, camunda: CAMUNDA_DESCRIPTOR });
}

/** bpmn-js gives arrow markers random ids; renumber them so re-renders give identical files. */
function stableSvg(svg) {
  const ids = [...new Set(Array.from(svg.matchAll(/<marker id="([^"]+)"/g), (m) => m[1]))];
  return ids.reduce((out, id, i) => out.replaceAll(`#${id}`, `#m${i + 1}`).replaceAll(`"${id}"`, `"m${i + 1}"`), svg) + '\n';
}

/** Rasterise the exported SVG on a white background. */
async function svgToPng(page, svg, pngPath) {
  const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff"><img id="d" src="${src}" style="padding:16px;background:#fff"></body></html>`);
  await page.locator('#d').screenshot({ path: pngPath });
}

const userDataDir = mkdtempSync(join(tmpdir(), 'render-diagrams-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: CHROMIUM,
  headless: true,
  args: CHROMIUM_ARGS,
  deviceScaleFactor: 2,
  offline: true,
});

let failed = 0;
try {
  const page = context.pages()[0] ?? (await context.newPage());
  for (const file of files) {
    const name = basename(file).replace(/\.bpmn$/, '');
    try {
      const { svg: rawSvg, warnings } = await renderSvg(page, readFileSync(file, 'utf8'));
      const svg = stableSvg(rawSvg);
      const svgPath = join(outDir, `${name}.svg`);
      const pngPath = join(outDir, `${name}.png`);
      writeFileSync(svgPath, svg);
      await svgToPng(page, svg, pngPath);
      console.log(`OK   ${file} -> ${svgPath}, ${pngPath}`);
      for (const w of warnings) console.log(`  warning: ${w}`);
    } catch (err) {
      failed++;
      console.log(`FAIL ${file}: ${err.message.split('\n')[0]}`);
    }
  }
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
