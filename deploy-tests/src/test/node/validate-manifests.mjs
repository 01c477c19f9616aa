// Validates Kubernetes manifests (multi-document YAML files) against the OpenAPI schemas that ship inside the npm
// packages kubernetes-models (built-in kinds) and @kubernetes-models/prometheus-operator (ServiceMonitor,
// PrometheusRule). Catches wrong types, bad enum values and missing required fields; unknown fields pass.
//
// usage: node validate-manifests.mjs [--allow-unknown-kinds] file.yaml...
// Prints one line per document: "OK <apiVersion> <kind> <name>", "INVALID ... : <reason>" or "NOSCHEMA ...".
// Exit status: 0 all valid, 1 some document invalid (or without schema unless allowed), 2 usage/parse error.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const args = process.argv.slice(2);
const allowUnknown = args.includes('--allow-unknown-kinds');
const files = args.filter((a) => !a.startsWith('--'));
if (files.length === 0) {
  console.error('usage: node validate-manifests.mjs [--allow-unknown-kinds] file.yaml...');
  process.exit(2);
}

// apiVersion -> module exporting one class per kind.
function modulePath(apiVersion) {
  if (apiVersion.startsWith('monitoring.coreos.com/')) {
    return `@kubernetes-models/prometheus-operator/${apiVersion}`;
  }
  return `kubernetes-models/${apiVersion}`;
}

const modules = new Map();
async function modelClass(apiVersion, kind) {
  if (!modules.has(apiVersion)) {
    try {
      modules.set(apiVersion, await import(modulePath(apiVersion)));
    } catch (e) {
      modules.set(apiVersion, null);
    }
  }
  const mod = modules.get(apiVersion);
  return mod ? mod[kind] : undefined;
}

let invalid = 0;
let unknown = 0;
let valid = 0;
for (const file of files) {
  let docs;
  try {
    docs = parseAllDocuments(readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`cannot read ${file}: ${e.message}`);
    process.exit(2);
  }
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      console.log(`INVALID ${file}: YAML error ${doc.errors[0].message}`);
      invalid++;
      continue;
    }
    const obj = doc.toJS();
    if (obj === null || obj === undefined) {
      continue;
    }
    const id = `${obj.apiVersion} ${obj.kind} ${obj.metadata?.name ?? '<no name>'}`;
    if (!obj.apiVersion || !obj.kind) {
      console.log(`INVALID ${id}: apiVersion and kind are required`);
      invalid++;
      continue;
    }
    const Model = await modelClass(obj.apiVersion, obj.kind);
    if (!Model) {
      console.log(`NOSCHEMA ${id}`);
      unknown++;
      continue;
    }
    try {
      new Model(obj).validate();
      console.log(`OK ${id}`);
      valid++;
    } catch (e) {
      console.log(`INVALID ${id}: ${String(e.message ?? e).replace(/\s+/g, ' ')}`);
      invalid++;
    }
  }
}
console.log(`SUMMARY valid=${valid} invalid=${invalid} noschema=${unknown}`);
process.exit(invalid > 0 || (unknown > 0 && !allowUnknown) ? 1 : 0);
