#!/usr/bin/env node
// check-openapi: keeps docs/openapi.yaml honest.
//
//  1. The document must be valid OpenAPI 3.1 (@seriousme/openapi-schema-validator).
//  2. Every ROUTE(...) row of src/http/routes.def must be documented (path +
//     method), and every documented path + method must be a route.
//  3. For each route, the operation's `summary` equals the row's summary,
//     `x-body-limit` equals its body limit, and `security: []` is set exactly
//     on the PERM_PUBLIC rows.
//  4. Every schema compiles (JSON Schema 2020-12) and every example in the
//     document (media types, parameters, headers, schema `examples`) validates
//     against its schema.
//
// Usage: node scripts/check-openapi.mjs [--spec FILE] [--routes FILE]
// Prints problems on stderr and exits 1; otherwise prints one summary line.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

const addFormats = addFormatsModule.default || addFormatsModule;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
function opt(name, dflt) {
  const i = args.indexOf(name);
  if (i >= 0 && i + 1 < args.length) return args[i + 1];
  return dflt;
}
const specFile = opt('--spec', join(root, 'docs', 'openapi.yaml'));
const routesFile = opt('--routes', join(root, 'src', 'http', 'routes.def'));
const show = (f) => relative(process.cwd(), f) || f;

const problems = [];
const problem = (msg) => problems.push(msg);
function finish(summary) {
  if (problems.length) {
    for (const p of problems) console.error(`check-openapi: ${p}`);
    console.error(`check-openapi: FAILED, ${problems.length} problem(s) in ${show(specFile)}`);
    process.exit(1);
  }
  console.log(summary);
  process.exit(0);
}

// 1. OpenAPI 3.1 validity --------------------------------------------------
let text;
try {
  text = readFileSync(specFile, 'utf8');
} catch (e) {
  problem(`cannot read ${show(specFile)}: ${e.message}`);
  finish();
}
let spec;
try {
  spec = parseYaml(text, { uniqueKeys: true });
} catch (e) {
  problem(`${show(specFile)} is not valid YAML: ${e.message}`);
  finish();
}
const validator = new Validator();
const res = await validator.validate(spec);
if (!res.valid) {
  const errs = Array.isArray(res.errors) ? res.errors : [res.errors];
  for (const e of errs) {
    if (e && typeof e === 'object' && 'instancePath' in e) {
      problem(`not valid OpenAPI: ${e.instancePath || '/'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);
    } else {
      problem(`not valid OpenAPI: ${typeof e === 'string' ? e : JSON.stringify(e)}`);
    }
  }
  finish();
}
if (validator.version !== '3.1') {
  problem(`expected OpenAPI 3.1, found ${spec.openapi} (validator says ${validator.version})`);
  finish();
}

// 2. routes.def against paths ----------------------------------------------
let routesText;
try {
  routesText = readFileSync(routesFile, 'utf8');
} catch (e) {
  problem(`cannot read ${show(routesFile)}: ${e.message}`);
  finish();
}
// Drop C comments so that the example row in the header comment is ignored.
const code = routesText.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/\/\/[^\n]*/g, '');
const routeRe = /^[ \t]*ROUTE\(\s*([A-Z]+)\s*,\s*"([^"]*)"\s*,\s*(\w+)\s*,\s*(\w+)\s*,\s*([\w\s|]+?)\s*,\s*(\w+)\s*,\s*"([^"]*)"\s*,\s*(\d+)\s*,\s*"((?:[^"\\]|\\.)*)"\s*\)/gm;
const routes = [];
for (const m of code.matchAll(routeRe)) {
  const line = code.slice(0, m.index).split('\n').length;
  routes.push({
    method: m[1].toLowerCase(), pattern: m[2], handler: m[3], permission: m[4],
    flags: m[5], scope: m[6], params: m[7] ? m[7].split(',').map((p) => p.split(':')[0]) : [],
    bodyLimit: Number(m[8]), summary: m[9].replace(/\\(.)/g, '$1'), line,
  });
}
const rowCount = (code.match(/^[ \t]*ROUTE\(/gm) || []).length;
if (rowCount !== routes.length) problem(`${show(routesFile)}: ${rowCount - routes.length} ROUTE(...) row(s) could not be parsed`);
if (routes.length === 0) problem(`${show(routesFile)}: no ROUTE(...) rows found`);

const norm = (p) => p.replace(/\{[^}]*\}/g, '{}');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const documented = new Map(); // "get /api/v1/partners/{}" -> {path, op}
for (const [path, item] of Object.entries(spec.paths || {})) {
  for (const m of METHODS) {
    if (item && item[m]) documented.set(`${m} ${norm(path)}`, { path, op: item[m] });
  }
}
const seen = new Set();
for (const r of routes) {
  const key = `${r.method} ${norm(r.pattern)}`;
  const where = `${show(routesFile)}:${r.line}`;
  if (seen.has(key)) problem(`${where}: route ${r.method.toUpperCase()} ${r.pattern} appears twice`);
  seen.add(key);
  const d = documented.get(key);
  if (!d) {
    problem(`${where}: route ${r.method.toUpperCase()} ${r.pattern} ("${r.summary}") is missing from ${show(specFile)}`);
    continue;
  }
  const name = `${r.method.toUpperCase()} ${d.path}`;
  if (d.op.summary !== r.summary) problem(`${name}: summary "${d.op.summary}" differs from routes.def "${r.summary}"`);
  if (d.op['x-body-limit'] !== r.bodyLimit) problem(`${name}: x-body-limit ${d.op['x-body-limit']} differs from routes.def body limit ${r.bodyLimit}`);
  const isPublic = Array.isArray(d.op.security) && d.op.security.length === 0;
  if ((r.permission === 'PERM_PUBLIC') !== isPublic) {
    problem(`${name}: routes.def says ${r.permission} but the operation ${isPublic ? 'has security: []' : 'requires sign-in'}`);
  }
  const statuses = Object.keys(d.op.responses || {});
  if (r.permission !== 'PERM_PUBLIC' && !statuses.includes('401')) problem(`${name}: needs sign-in but documents no 401`);
  if (!['PERM_PUBLIC', 'PERM_SIGNED_IN'].includes(r.permission) && !statuses.includes('403')) problem(`${name}: needs ${r.permission} but documents no 403`);
  if (r.bodyLimit > 0 && !d.op.requestBody) problem(`${name}: takes a body (limit ${r.bodyLimit}) but documents no requestBody`);
  if (r.bodyLimit > 0) for (const s of ['400', '413', '415']) if (!statuses.includes(s)) problem(`${name}: takes a body but documents no ${s}`);
  if (/\{[^}]+\}/.test(r.pattern) && !statuses.includes('404')) problem(`${name}: has an id but documents no 404`);
  // The query parameters the router accepts are exactly the documented ones.
  const resolve = (p) => (p && p.$ref ? p.$ref.split('/').slice(1).reduce((o, k) => o && o[k], spec) : p);
  const pathItem = spec.paths[d.path] || {};
  const documentedQuery = [...(pathItem.parameters || []), ...(d.op.parameters || [])].map(resolve)
    .filter((p) => p && p.in === 'query').map((p) => p.name).sort();
  const declared = [...r.params].sort();
  if (JSON.stringify(documentedQuery) !== JSON.stringify(declared)) {
    problem(`${name}: query parameters in routes.def (${declared.join(', ') || 'none'}) differ from the documented ones (${documentedQuery.join(', ') || 'none'})`);
  }
  if (declared.length && !statuses.includes('422')) problem(`${name}: takes query parameters but documents no 422`);
}
for (const [key, d] of documented) {
  if (!seen.has(key)) problem(`${key.split(' ')[0].toUpperCase()} ${d.path} is documented but has no route in ${show(routesFile)}`);
}

// 3. schemas compile, examples validate ------------------------------------
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
const SPEC_ID = 'https://liaison.invalid/openapi.json';
let examples = 0;
try {
  ajv.addSchema(spec, SPEC_ID);
} catch (e) {
  problem(`the document's schemas do not load: ${e.message}`);
}
const esc = (s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1');
const validators = new Map();
function compileAt(ptr) {
  if (validators.has(ptr)) return validators.get(ptr);
  let v = null;
  try {
    v = ajv.getSchema(`${SPEC_ID}#${ptr}`) || null;
    if (!v) problem(`schema at #${ptr} cannot be found`);
  } catch (e) {
    problem(`schema at #${ptr} does not compile: ${e.message}`);
  }
  validators.set(ptr, v);
  return v;
}
function checkExample(schemaPtr, value, where) {
  const v = compileAt(schemaPtr);
  if (!v) return;
  examples++;
  if (!v(value)) {
    for (const e of v.errors) problem(`example ${where} does not match its schema: ${e.instancePath || '/'} ${e.message}`);
  }
}
// Objects with a `schema` and examples: media types, parameters, headers.
function walk(node, ptr) {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    node.forEach((x, i) => walk(x, `${ptr}/${i}`));
    return;
  }
  if (node.schema && typeof node.schema === 'object') {
    const sp = `${ptr}/schema`;
    compileAt(sp);
    if ('example' in node) checkExample(sp, node.example, `#${ptr}/example`);
    if (node.examples && typeof node.examples === 'object') {
      for (const [k, ex] of Object.entries(node.examples)) {
        if (ex && typeof ex === 'object' && 'value' in ex) checkExample(sp, ex.value, `#${ptr}/examples/${esc(k)}`);
      }
    }
  }
  for (const [k, v] of Object.entries(node)) if (k !== 'schema') walk(v, `${ptr}/${esc(k)}`);
}
walk(spec.paths, '/paths');
for (const part of ['responses', 'parameters', 'headers', 'requestBodies']) {
  if (spec.components && spec.components[part]) walk(spec.components[part], `/components/${part}`);
}
for (const [name, schema] of Object.entries((spec.components && spec.components.schemas) || {})) {
  const ptr = `/components/schemas/${esc(name)}`;
  compileAt(ptr);
  if (Array.isArray(schema.examples)) schema.examples.forEach((ex, i) => checkExample(ptr, ex, `#${ptr}/examples/${i}`));
  if ('example' in schema) checkExample(ptr, schema.example, `#${ptr}/example`);
}

const ops = documented.size;
finish(`check-openapi: ${show(specFile)} is valid OpenAPI ${spec.openapi}; ${routes.length} routes in ${show(routesFile)} all documented (${ops} operations), ${examples} examples valid`);
