// Validates Kubernetes manifests (multi-document YAML files) against the published schemas that ship inside pinned npm
// packages: kubernetes-models (built-in kinds), @kubernetes-models/prometheus-operator, gateway-api, envoy-gateway,
// strimzi-kafka-operator and cloudnative-pg (their CRDs' OpenAPI schemas). Operators without an npm model have their
// CRDs vendored with their version under src/test/resources/crds/ (opensearch-k8s-operator 3.x, opensearch.org/v1):
// those kinds are validated with ajv against the CRD's openAPIV3Schema, closed the way `kubectl apply
// --validate=strict` closes it (VENDORED_CRDS below).
//
// Two checks per document of a model package:
//  1. the model's JSON-schema validator: wrong types, bad enum values, missing required fields;
//  2. unknown fields, at any depth: the packages' TypeScript declarations are generated from the same schemas, so
//     each document is type-checked as an object literal of its kind's interface (excess property checks), which
//     the JSON-schema validators do not do (the CRDs leave additionalProperties open). Skipped with --no-strict-fields.
// An apiVersion an operator no longer serves is refused with the reason (RETIRED below), whatever the model package
// still carries. Kinds of operators with neither a published model nor a vendored CRD (UNMODELLED) are reported as
// such, not as valid.
//
// usage: node validate-manifests.mjs [--allow-unknown-kinds] [--no-strict-fields] file.yaml...
// Prints one line per document: "OK <apiVersion> <kind> <name>", "INVALID ... : <reason>", "UNMODELLED ..." or
// "NOSCHEMA ...". Exit status: 0 all valid, 1 some document invalid (or without schema unless allowed), 2 usage error.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import Ajv from 'ajv';

const args = process.argv.slice(2);
const allowUnknown = args.includes('--allow-unknown-kinds');
const strictFields = !args.includes('--no-strict-fields');
const files = args.filter((a) => !a.startsWith('--'));
if (files.length === 0) {
  console.error('usage: node validate-manifests.mjs [--allow-unknown-kinds] [--no-strict-fields] file.yaml...');
  process.exit(2);
}

// apiVersion group -> npm package holding its models (one module per apiVersion, one class per kind).
const PACKAGES = [
  ['monitoring.coreos.com/', '@kubernetes-models/prometheus-operator'],
  ['gateway.networking.k8s.io/', '@kubernetes-models/gateway-api'],
  ['gateway.envoyproxy.io/', '@kubernetes-models/envoy-gateway'],
  ['kafka.strimzi.io/', '@kubernetes-models/strimzi-kafka-operator'],
  ['core.strimzi.io/', '@kubernetes-models/strimzi-kafka-operator'],
  ['postgresql.cnpg.io/', '@kubernetes-models/cloudnative-pg'],
];

// Served no more by the operator release k8s/README.md pins (or by Kubernetes), though model packages may carry it.
const RETIRED = {
  'kafka.strimzi.io/v1beta2': 'Strimzi 1.x serves only kafka.strimzi.io/v1 (v1beta2 was removed in Strimzi 1.0)',
  'kafka.strimzi.io/v1beta1': 'Strimzi 1.x serves only kafka.strimzi.io/v1',
  'kafka.strimzi.io/v1alpha1': 'Strimzi 1.x serves only kafka.strimzi.io/v1',
  'opensearch.opster.io/v1': 'opensearch-k8s-operator 3.x serves opensearch.org/v1 (the opster.io group is retired)',
  'gateway.networking.k8s.io/v1beta1 Gateway': 'Gateway is gateway.networking.k8s.io/v1',
  'gateway.networking.k8s.io/v1beta1 HTTPRoute': 'HTTPRoute is gateway.networking.k8s.io/v1',
  'gateway.networking.k8s.io/v1beta1 GatewayClass': 'GatewayClass is gateway.networking.k8s.io/v1',
  'networking.k8s.io/v1beta1': 'removed in Kubernetes 1.22',
  'policy/v1beta1': 'removed in Kubernetes 1.25',
  'autoscaling/v2beta2': 'removed in Kubernetes 1.26',
};

// Operators whose CRDs have no published npm model: the kinds we use have their CRD vendored (VENDORED_CRDS); the
// others are recognised (a typo in a kind still fails) but only parsed. opensearch-k8s-operator 3.x (opensearch.org/v1)
// publishes no model.
const UNMODELLED = {
  'opensearch.org/v1': ['OpensearchActionGroup', 'OpensearchTenant', 'OpensearchIndexTemplate',
    'OpensearchComponentTemplate', 'OpenSearchISMPolicy', 'OpensearchSnapshotPolicy'],
};

// Vendored CRDs (each file's header names its source repository, path, commit and release, and what was reduced).
const CRD_DIRS = ['crds/opensearch-operator-3.x-02048227'];
const VENDORED_CRDS = loadVendoredCrds(); // "<group>/<version> <kind>" -> ajv validate function
const VENDORED_GROUPS = new Map(); // "<group>/" -> served apiVersions of its vendored CRDs
for (const key of VENDORED_CRDS.keys()) {
  const apiVersion = key.split(' ')[0];
  const group = apiVersion.slice(0, apiVersion.indexOf('/') + 1);
  VENDORED_GROUPS.set(group, [...new Set([...(VENDORED_GROUPS.get(group) ?? []), apiVersion])]);
}

/**
 * Reads every vendored CRD and compiles, per served version, its openAPIV3Schema for ajv the way the apiserver applies
 * it: x-kubernetes-int-or-string becomes integer-or-string, x-kubernetes-* keywords are otherwise ignored (strict
 * off; CEL rules are not evaluated), and every object schema that lists properties, sets no additionalProperties and
 * does not preserve unknown fields is closed (additionalProperties: false), so an unknown field fails as it does with
 * `kubectl apply --validate=strict`. metadata stays open: the apiserver checks it, not the CRD.
 */
function loadVendoredCrds() {
  const base = join(dirname(fileURLToPath(import.meta.url)), '../resources');
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('int32', { type: 'number', validate: (n) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n) => Number.isSafeInteger(n) });
  ajv.addFormat('date-time', { type: 'string', validate: (s) => !Number.isNaN(Date.parse(s)) });
  const crds = new Map();
  for (const dir of CRD_DIRS) {
    const path = join(base, dir);
    for (const file of readdirSync(path).filter((f) => f.endsWith('.yaml')).sort()) {
      const crd = parse(readFileSync(join(path, file), 'utf8'));
      for (const version of crd.spec.versions.filter((v) => v.served)) {
        const schema = kubeSchema(structuredClone(version.schema.openAPIV3Schema), true);
        crds.set(`${crd.spec.group}/${version.name} ${crd.spec.names.kind}`, ajv.compile(schema));
      }
    }
  }
  return crds;
}

function kubeSchema(node, root = false) {
  if (Array.isArray(node)) {
    return node.map((n) => kubeSchema(n));
  }
  if (node === null || typeof node !== 'object') {
    return node;
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties') {
      for (const [name, sub] of Object.entries(value)) {
        value[name] = root && name === 'metadata' ? { type: 'object' } : kubeSchema(sub);
      }
    } else if (key === 'additionalProperties' || key === 'items' || key === 'anyOf' || key === 'allOf'
        || key === 'oneOf' || key === 'not') {
      node[key] = kubeSchema(value);
    }
  }
  if (node['x-kubernetes-int-or-string'] === true && !node.anyOf) {
    node.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (node.properties && node.additionalProperties === undefined && node['x-kubernetes-preserve-unknown-fields'] !== true) {
    node.additionalProperties = false;
  }
  return node;
}

function ajvReason(errors) {
  return errors.slice(0, 5).map((e) => {
    const at = e.instancePath || '/';
    const detail = e.keyword === 'additionalProperties' ? ` "${e.params.additionalProperty}"`
      : e.keyword === 'enum' ? ` ${JSON.stringify(e.params.allowedValues)}` : '';
    return `${at} ${e.message}${detail}`;
  }).join('; ') + (errors.length > 5 ? `; (${errors.length - 5} more)` : '');
}

function packageOf(apiVersion) {
  for (const [prefix, pkg] of PACKAGES) {
    if (apiVersion.startsWith(prefix)) {
      return pkg;
    }
  }
  return 'kubernetes-models';
}

function modulePath(apiVersion) {
  return `${packageOf(apiVersion)}/${apiVersion}`;
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

const results = []; // {id, status: OK|INVALID|NOSCHEMA|UNMODELLED, reason?, typed?: {apiVersion, kind, obj}}
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
      results.push({ id: file, status: 'INVALID', reason: `YAML error ${doc.errors[0].message}` });
      continue;
    }
    const obj = doc.toJS();
    if (obj === null || obj === undefined) {
      continue;
    }
    const id = `${obj.apiVersion} ${obj.kind} ${obj.metadata?.name ?? '<no name>'}`;
    if (!obj.apiVersion || !obj.kind) {
      results.push({ id, status: 'INVALID', reason: 'apiVersion and kind are required' });
      continue;
    }
    const retired = RETIRED[`${obj.apiVersion} ${obj.kind}`] ?? RETIRED[obj.apiVersion];
    if (retired) {
      results.push({ id, status: 'INVALID', reason: `retired apiVersion: ${retired}` });
      continue;
    }
    const crd = VENDORED_CRDS.get(`${obj.apiVersion} ${obj.kind}`);
    if (crd) {
      results.push(crd(obj) ? { id, status: 'OK' } : { id, status: 'INVALID', reason: ajvReason(crd.errors) });
      continue;
    }
    const group = obj.apiVersion.slice(0, obj.apiVersion.indexOf('/') + 1);
    if (VENDORED_GROUPS.has(group) && !VENDORED_GROUPS.get(group).includes(obj.apiVersion)) {
      results.push({ id, status: 'INVALID',
        reason: `${obj.apiVersion} is not served by the vendored CRDs (${VENDORED_GROUPS.get(group).join(', ')})` });
      continue;
    }
    if (UNMODELLED[obj.apiVersion]) {
      const known = UNMODELLED[obj.apiVersion].includes(obj.kind);
      results.push(known ? { id, status: 'UNMODELLED' }
        : { id, status: 'INVALID', reason: `${obj.apiVersion} has no kind ${obj.kind}` });
      continue;
    }
    const Model = await modelClass(obj.apiVersion, obj.kind);
    if (!Model) {
      results.push({ id, status: 'NOSCHEMA' });
      continue;
    }
    try {
      new Model(await experimentalChecked(obj)).validate();
      results.push({ id, status: 'OK', typed: { apiVersion: obj.apiVersion, kind: obj.kind, obj } });
    } catch (e) {
      results.push({ id, status: 'INVALID', reason: String(e.message ?? e).replace(/\s+/g, ' ') });
    }
  }
}

/**
 * The HTTPRoute ExternalAuth filter is in Gateway API's experimental channel (v1.3+): the model package's HTTPRoute
 * schema is the standard channel's, whose filter-type enum lacks it. Each such filter is validated against the
 * package's own HTTPExternalAuthFilter model, then left out of the standard-channel check. (The strict-fields check
 * below still sees it: the TypeScript interface has the externalAuth field.)
 */
async function experimentalChecked(obj) {
  if (obj.apiVersion !== 'gateway.networking.k8s.io/v1' || obj.kind !== 'HTTPRoute') {
    return obj;
  }
  const { HTTPExternalAuthFilter } = await import('@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPExternalAuthFilter');
  const copy = structuredClone(obj);
  for (const rule of copy.spec?.rules ?? []) {
    if (!rule.filters) {
      continue;
    }
    for (const f of rule.filters.filter((x) => x.type === 'ExternalAuth')) {
      if (!f.externalAuth) {
        throw new Error('filter.externalAuth must be specified for ExternalAuth filter.type');
      }
      new HTTPExternalAuthFilter(f.externalAuth).validate();
    }
    rule.filters = rule.filters.filter((x) => x.type !== 'ExternalAuth');
  }
  return copy;
}

if (strictFields) {
  await checkUnknownFields(results.filter((r) => r.typed));
}

let invalid = 0;
let unknown = 0;
let valid = 0;
let unmodelled = 0;
for (const r of results) {
  console.log(r.reason ? `${r.status} ${r.id}: ${r.reason}` : `${r.status} ${r.id}`);
  if (r.status === 'OK') valid++;
  else if (r.status === 'INVALID') invalid++;
  else if (r.status === 'UNMODELLED') unmodelled++;
  else unknown++;
}
console.log(`SUMMARY valid=${valid} invalid=${invalid} unmodelled=${unmodelled} noschema=${unknown}`);
process.exit(invalid > 0 || (unknown > 0 && !allowUnknown) ? 1 : 0);

/** Type-checks every schema-valid document against its kind's TypeScript interface: unknown fields become errors. */
async function checkUnknownFields(typed) {
  if (typed.length === 0) {
    return;
  }
  let ts;
  try {
    ts = (await import('typescript')).default;
  } catch (e) {
    console.error(`typescript is not installed (npm ci): ${e.message}`);
    process.exit(2);
  }
  const dir = join(dirname(fileURLToPath(import.meta.url)), '../../../target/strict-fields');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `check-${process.pid}.ts`);
  const lines = [];
  const owners = []; // line index -> result
  const firstLine = new Map(); // result -> its first line
  typed.forEach((r, i) => {
    const { apiVersion, kind, obj } = r.typed;
    lines.push(`import type { I${kind} as T${i} } from "${modulePath(apiVersion)}/${kind}";`);
    owners.push(null);
  });
  typed.forEach((r, i) => {
    const body = JSON.stringify(r.typed.obj, null, 1).split('\n');
    body[0] = `export const d${i}: T${i} = ${body[0]}`;
    body[body.length - 1] += ';';
    firstLine.set(r, lines.length);
    for (const l of body) {
      lines.push(l);
      owners.push(r);
    }
  });
  writeFileSync(file, lines.join('\n') + '\n');
  const program = ts.createProgram([file], {
    noEmit: true, strict: true, skipLibCheck: true, types: [],
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
  });
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ').replace(/\s+/g, ' ');
    const line = d.file && d.file.fileName === program.getSourceFile(file)?.fileName
      ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const owner = line >= 0 ? owners[line] : null;
    if (!owner) {
      console.error(`strict-fields check failed: ${message}`);
      process.exit(2);
    }
    if (owner.status === 'OK') {
      owner.status = 'INVALID';
      owner.reason = `unknown or mistyped field (line ${line - firstLine.get(owner) + 1} of the document as JSON): `
        + message.slice(0, 400);
    }
  }
}
