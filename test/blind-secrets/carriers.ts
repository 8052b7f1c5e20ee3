/**
 * Carriers: the files and assignment syntaxes a value is planted in. Each carrier writes one
 * realistic file around a single slot; the corpus puts a secret (a positive) or a look-alike
 * (a negative) in that slot. A carrier may encode the value first (base64, hex, percent
 * encoding); the scored span is then the encoded text, so an encoded plant counts as found
 * only when the scanner reports the encoded span.
 */
import { b64, camel, dotted, goName, hex, kebab, lowerSnake, mapValue, pascal, pct, around, whole, type Value } from './formats.js';
import type { Provider } from './providers.js';
import type { Rand } from './rand.js';

/** Where the slot's value goes inside a rendered file. */
export const MARK = '\u0000';

export interface Ctx {
  r: Rand;
  /** UPPER_SNAKE variable name. */
  name: string;
  vendor: string;
  noun: string;
  user: string;
  /** The value slot: the literal between `quote`s, or (for reference look-alikes) the carrier's reference expression. */
  q(quote?: string): string;
}

export interface Carrier {
  id: string;
  path(c: Ctx): string;
  render(c: Ctx): string;
  /** Character-level escaping of the value inside the file (JSON, XML, YAML indentation). */
  esc?: (s: string) => string;
  /** Encoding applied to the value before it is escaped and planted. */
  encode?: (v: Value, c: Ctx) => Value;
  /** Characters the value must not contain for this syntax to hold it. */
  forbid?: RegExp;
  /** Extra condition on the raw value. */
  holds?: (text: string) => boolean;
  /** True when the carrier holds multi-line values (after `esc`). */
  multiline?: boolean;
  /** Needs the kind to name a user (basic-auth forms). */
  needsUser?: boolean;
  /** The value appears with no name next to it: only self-identifying kinds may use it. */
  anonymous?: boolean;
  /** The value travels as a request credential here (a header, a query parameter): only kinds sent that way fit. */
  sent?: boolean;
  /** Only these kinds may use it (a file that only exists for one provider). */
  accept?: (p: Provider) => boolean;
  /** The environment or template reference people write instead of a literal here. */
  ref?: (c: Ctx) => string;
  /** Secrets that appear in the file next to the planted one (scored neither way). */
  companions?: (c: Ctx) => string[];
}

// ---------------------------------------------------------------- escaping

export const jsonEsc = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const xmlEsc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const nlEsc = (s: string) => s.replace(/\n/g, '\\n');
const indent = (pad: string) => (s: string) => s.replace(/\n/g, '\n' + pad);

const NO_NL = /\n/;
const SHELL_DQ = /["$`\\!\n]/;
const YAML_PLAIN_OK = (s: string) => /^[A-Za-z0-9][^\n]*$/.test(s) && !/: | #|:$|\s$/.test(s);

const snakeShort = (name: string) => lowerSnake(name.split('_').slice(-2).join('_'));

const pick = <T>(c: Ctx, items: readonly T[]) => c.r.pick(items);
const host = (c: Ctx) => pick(c, ['api.acme-corp.com', 'internal.northwind.dev', 'svc.example-logistics.io', 'gateway.contoso-labs.net']);
const app = (c: Ctx) => pick(c, ['billing', 'orders', 'ingest', 'storefront', 'notifier', 'reports']);

// Known header names for a few vendors; others send a bearer token.
const HEADER: Record<string, string> = {
  Datadog: 'DD-API-KEY', GitLab: 'PRIVATE-TOKEN', Postmark: 'X-Postmark-Server-Token', Algolia: 'X-Algolia-API-Key',
  Shopify: 'X-Shopify-Access-Token', 'New Relic': 'Api-Key', Airtable: 'Authorization: Bearer', Okta: 'Authorization: SSWS',
  GitHub: 'Authorization: token', 'JFrog Artifactory': 'X-JFrog-Art-Api', Postman: 'X-Api-Key', Cloudflare: 'Authorization: Bearer',
};
function headerLine(c: Ctx): string {
  const h = HEADER[c.vendor] ?? pick(c, ['Authorization: Bearer', 'X-API-Key']);
  return h.includes(':') ? `${h} ${c.q()}` : `${h}: ${c.q()}`;
}

// ---------------------------------------------------------------- the carriers

export const CARRIERS: Carrier[] = [
  // ---- dotenv
  {
    id: 'env/plain', path: (c) => pick(c, ['.env', '.env.production', '.env.local', 'config/.env']),
    render: (c) => `# ${app(c)} service\nNODE_ENV=production\nPORT=${c.r.int(3000, 9000)}\n${c.name}=${c.q()}\nLOG_LEVEL=info\n`,
    forbid: /[\s'"`]/, ref: (c) => `\${${c.name}_FROM_VAULT}`,
  },
  {
    id: 'env/dquote', path: (c) => pick(c, ['.env', '.env.staging', 'deploy/.env']), esc: nlEsc,
    render: (c) => `APP_NAME=${app(c)}\nAPP_URL=https://${host(c)}\n${c.name}="${c.q()}"\nCACHE_DRIVER=redis\n`,
    forbid: /["$`\\]/, ref: (c) => `\${${c.name}}`,
  },
  {
    id: 'env/squote', path: (c) => pick(c, ['.env', '.env.development']), esc: nlEsc,
    render: (c) => `REGION=eu-west-1\n${c.name}='${c.q()}'\nFEATURE_FLAGS=search,exports\n`,
    forbid: /['\\]/, ref: (c) => `\${${c.name}}`,
  },
  {
    id: 'env/export', path: () => '.envrc',
    render: (c) => `# direnv: loaded when entering the project\nexport AWS_REGION=us-east-1\nexport ${c.name}="${c.q()}"\nexport PATH="$PWD/bin:$PATH"\n`,
    forbid: SHELL_DQ, ref: (c) => `$(op read op://dev/${kebab(c.name)}/credential)`,
  },
  // ---- YAML
  {
    id: 'yaml/plain', path: (c) => pick(c, ['config/settings.yaml', 'config.yml', 'application.yml', 'values.yaml']),
    render: (c) => `app:\n  name: ${app(c)}\n  port: ${c.r.int(3000, 9000)}\n${lowerSnake(c.vendor.replace(/[^A-Za-z0-9]+/g, '_'))}:\n  ${snakeShort(c.name)}: ${c.q()}\n  timeout_seconds: 30\n`,
    holds: YAML_PLAIN_OK, ref: (c) => `\${${c.name}}`,
  },
  {
    id: 'yaml/dquote', path: (c) => pick(c, ['config/production.yaml', 'secrets.yml', 'group_vars/all.yml']), esc: jsonEsc,
    render: (c) => `environment: production\ndebug: false\n${lowerSnake(c.name)}: "${c.q()}"\nworkers: 4\n`,
    ref: () => `"{{ lookup('env', 'SERVICE_CREDENTIAL') }}"`,
  },
  {
    id: 'yaml/block', path: (c) => pick(c, ['config/tls.yaml', 'values.yaml', 'secrets.yml']), esc: indent('    '), multiline: true,
    render: (c) => `tls:\n  enabled: true\n  ${camel(c.name)}: |\n    ${c.q()}\n  verify: true\n`,
    holds: (s) => s.includes('\n'),
  },
  {
    id: 'helm/values', path: () => 'charts/app/values.yaml',
    render: (c) => `replicaCount: 2\nimage:\n  repository: ghcr.io/acme/${app(c)}\n  tag: "1.14.2"\nsecrets:\n  ${camel(c.name)}: ${c.q('"')}\n`,
    esc: jsonEsc, ref: (c) => `"{{ .Values.global.${camel(c.name)} }}"`,
  },
  // ---- JSON
  {
    id: 'json/nested', path: (c) => pick(c, ['config.json', 'appsettings.json', 'config/default.json', 'secrets.json']), esc: jsonEsc,
    render: (c) => `{\n  "name": "${app(c)}",\n  "port": ${c.r.int(3000, 9000)},\n  "${camel(c.vendor.replace(/[^A-Za-z0-9]+/g, '_'))}": {\n    "${camel(snakeShort(c.name))}": ${c.q('"')},\n    "retries": 3\n  }\n}\n`,
    ref: (c) => `"\${${c.name}}"`,
  },
  {
    id: 'json/service-account', path: (c) => pick(c, ['service-account.json', 'gcp-key.json', 'credentials/ci-deployer.json']),
    accept: (p) => p.label === 'gcp-service-account-key', multiline: true,
    esc: (s) => s.replace(/^\{/, '{\n  ').replace(/", "/g, '",\n  "').replace(/\}$/, '\n}'),
    render: (c) => `${c.q()}\n`,
  },
  {
    id: 'json/postman-env', path: () => 'postman/production.postman_environment.json', esc: jsonEsc,
    render: (c) => `{\n  "id": "4f1c2a8e-0d0b-4a51-9c36-0f2b3c1d9e77",\n  "name": "production",\n  "values": [\n    { "key": "baseUrl", "value": "https://${host(c)}", "enabled": true },\n    { "key": "${camel(c.name)}", "value": ${c.q('"')}, "type": "secret", "enabled": true }\n  ]\n}\n`,
    ref: (c) => `"{{${camel(c.name)}}}"`,
  },
  {
    id: 'jupyter/cell', path: () => 'notebooks/exploration.ipynb', esc: (s) => jsonEsc(jsonEsc(s)),
    render: (c) => `{\n "cells": [\n  {\n   "cell_type": "code",\n   "execution_count": 1,\n   "metadata": {},\n   "outputs": [],\n   "source": [\n    "import os\\n",\n    "os.environ[\\"${c.name}\\"] = ${c.q('\\"')}\\n"\n   ]\n  }\n ],\n "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n`,
  },
  // ---- TOML, INI, properties
  {
    id: 'toml/table', path: (c) => pick(c, ['config.toml', 'settings.toml', '.streamlit/secrets.toml']), esc: jsonEsc,
    render: (c) => `[server]\nhost = "0.0.0.0"\nport = ${c.r.int(3000, 9000)}\n\n[${lowerSnake(c.vendor.replace(/[^A-Za-z0-9]+/g, '_'))}]\n${snakeShort(c.name)} = ${c.q('"')}\n`,
    ref: (c) => `"\${${c.name}}"`,
  },
  {
    id: 'ini/section', path: (c) => pick(c, ['settings.ini', 'app.cfg', 'config/app.conf']),
    render: (c) => `[general]\nenvironment = production\n\n[${lowerSnake(c.vendor.replace(/[^A-Za-z0-9]+/g, '_'))}]\n${snakeShort(c.name)} = ${c.q()}\n`,
    forbid: NO_NL, holds: (s) => !/^\s|\s$/.test(s), ref: (c) => `%(${lowerSnake(c.name)})s`,
  },
  {
    id: 'properties/eq', path: (c) => pick(c, ['src/main/resources/application.properties', 'gradle.properties', 'config/app.properties']),
    esc: (s) => s.replace(/\\/g, '\\\\'),
    render: (c) => `server.port=${c.r.int(8000, 9000)}\nspring.application.name=${app(c)}\n${dotted(c.name)}=${c.q()}\nmanagement.endpoints.web.exposure.include=health\n`,
    forbid: NO_NL, ref: (c) => `\${${c.name}}`,
  },
  {
    id: 'properties/colon', path: () => 'src/main/resources/config.properties', esc: (s) => s.replace(/\\/g, '\\\\'),
    render: (c) => `# ${app(c)} integration\n${camel(c.name)}: ${c.q()}\ntimeout: 5000\n`,
    forbid: NO_NL, ref: (c) => `\${${c.name}}`,
  },
  // ---- XML family
  {
    id: 'xml/element', path: (c) => pick(c, ['config/app.xml', 'src/main/resources/settings.xml']), esc: xmlEsc,
    render: (c) => `<?xml version="1.0" encoding="UTF-8"?>\n<configuration>\n  <endpoint>https://${host(c)}</endpoint>\n  <${camel(c.name)}>${c.q()}</${camel(c.name)}>\n</configuration>\n`,
    forbid: NO_NL, ref: (c) => `\${${c.name}}`,
  },
  {
    id: 'xml/element-own-line', path: (c) => pick(c, ['config/integration.xml', 'conf/service.xml']), esc: xmlEsc,
    render: (c) => `<?xml version="1.0" encoding="UTF-8"?>\n<service name="${app(c)}">\n  <${camel(c.name)}>\n    ${c.q()}\n  </${camel(c.name)}>\n  <retries>3</retries>\n</service>\n`,
    forbid: NO_NL, ref: (c) => `\${env.${c.name}}`,
  },
  {
    id: 'xml/add-key-value', path: (c) => pick(c, ['Web.config', 'App.config']), esc: xmlEsc,
    render: (c) => `<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <appSettings>\n    <add key="Environment" value="Production" />\n    <add key="${pascal(c.name)}" value="${c.q()}" />\n  </appSettings>\n</configuration>\n`,
    forbid: NO_NL, ref: (c) => `#{${pascal(c.name)}}#`,
  },
  {
    id: 'maven/settings', path: () => '.m2/settings.xml', esc: xmlEsc, needsUser: true,
    render: (c) => `<settings>\n  <servers>\n    <server>\n      <id>${pick(c, ['releases', 'github', 'artifactory'])}</id>\n      <username>${c.user}</username>\n      <password>${c.q()}</password>\n    </server>\n  </servers>\n</settings>\n`,
    forbid: NO_NL, ref: () => '${env.MAVEN_REPO_PASSWORD}',
  },
  {
    id: 'nuget/config', path: () => 'NuGet.config', esc: xmlEsc,
    accept: (p) => ['nuget-feed-password', 'github-pat-classic', 'azure-devops-pat', 'jfrog-api-key', 'generic-password', 'gitlab-pat'].includes(p.label),
    render: (c) => `<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <packageSources>\n    <add key="acme" value="https://pkgs.acme-corp.com/nuget/v3/index.json" />\n  </packageSources>\n  <packageSourceCredentials>\n    <acme>\n      <add key="Username" value="${c.user || 'ci'}" />\n      <add key="ClearTextPassword" value="${c.q()}" />\n    </acme>\n  </packageSourceCredentials>\n</configuration>\n`,
    forbid: NO_NL, ref: () => '%NUGET_FEED_PASSWORD%',
  },
  {
    id: 'nuget/config-encrypted-looking', path: () => 'nuget.config', esc: xmlEsc,
    accept: (p) => ['nuget-feed-password', 'generic-password'].includes(p.label),
    render: (c) => `<configuration>\n  <packageSourceCredentials>\n    <Internal_x0020_Feed>\n      <add key="Username" value="build" />\n      <add key="Password" value="${c.q()}" />\n      <add key="ValidAuthenticationTypes" value="basic" />\n    </Internal_x0020_Feed>\n  </packageSourceCredentials>\n</configuration>\n`,
    forbid: NO_NL,
  },
  // ---- package manager credentials
  {
    id: 'npmrc/auth-basic', path: () => '.npmrc', needsUser: true,
    encode: (v, c) => whole(b64(`${c.user}:${v.text}`)),
    accept: (p) => ['jfrog-api-key', 'generic-password', 'github-pat-classic', 'dockerhub-pat'].includes(p.label),
    render: (c) => `registry=https://artifacts.acme-corp.com/api/npm/npm-virtual/\n_auth=${c.q()}\nemail=${c.user}@acme-corp.com\nalways-auth=true\n`,
  },
  {
    id: 'npmrc/registry-token', path: () => '.npmrc',
    accept: (p) => ['npm-access-token', 'npm-legacy-token', 'github-pat-classic', 'github-pat-fine-grained', 'gitlab-pat', 'jfrog-reference-token'].includes(p.label),
    render: (c) => `registry=https://registry.npmjs.org/\n@acme:registry=https://npm.pkg.github.com/\n//${pick(c, ['registry.npmjs.org', 'npm.pkg.github.com'])}/:_authToken=${c.q()}\nalways-auth=true\n`,
    forbid: /\s/, ref: () => '${NPM_TOKEN}',
  },
  {
    id: 'yarnrc/npm-auth-token', path: () => '.yarnrc.yml',
    accept: (p) => ['npm-access-token', 'github-pat-classic', 'jfrog-reference-token'].includes(p.label),
    render: (c) => `nodeLinker: node-modules\nnpmScopes:\n  acme:\n    npmRegistryServer: "https://npm.pkg.github.com"\n    npmAuthToken: ${c.q('"')}\n`,
    forbid: /["\s]/, ref: () => '"${NPM_AUTH_TOKEN}"',
  },
  {
    id: 'pypirc', path: () => '.pypirc',
    accept: (p) => ['pypi-token', 'generic-password', 'jfrog-api-key'].includes(p.label),
    render: (c) => `[distutils]\nindex-servers =\n    pypi\n\n[pypi]\nusername = ${c.user || '__token__'}\npassword = ${c.q()}\n`,
    forbid: /\s/,
  },
  {
    id: 'pip/conf', path: () => 'pip.conf', needsUser: true, esc: pct,
    accept: (p) => ['jfrog-api-key', 'gitlab-pat', 'generic-password', 'gitlab-deploy-token'].includes(p.label),
    render: (c) => `[global]\ntimeout = 60\nextra-index-url = https://${c.user}:${c.q()}@artifacts.acme-corp.com/api/pypi/pypi-virtual/simple\n`,
  },
  {
    id: 'cargo/credentials', path: () => '.cargo/credentials.toml', esc: jsonEsc,
    accept: (p) => p.label === 'crates-io-token',
    render: (c) => `[registry]\ntoken = ${c.q('"')}\n`,
  },
  {
    id: 'gem/credentials', path: () => '.gem/credentials',
    accept: (p) => p.label === 'rubygems-api-key',
    render: (c) => `---\n:rubygems_api_key: ${c.q()}\n`,
  },
  {
    id: 'composer/auth', path: () => 'auth.json', esc: jsonEsc,
    accept: (p) => ['github-pat-classic', 'github-oauth-token', 'gitlab-pat'].includes(p.label),
    render: (c) => `{\n    "github-oauth": {\n        "github.com": ${c.q('"')}\n    }\n}\n`,
  },
  {
    id: 'terraformrc', path: () => '.terraformrc', esc: jsonEsc,
    accept: (p) => p.label === 'terraform-cloud-token',
    render: (c) => `plugin_cache_dir = "$HOME/.terraform.d/plugin-cache"\n\ncredentials "app.terraform.io" {\n  token = ${c.q('"')}\n}\n`,
  },
  {
    id: 'netrc', path: () => '.netrc', needsUser: true,
    render: (c) => `machine ${pick(c, ['api.heroku.com', 'github.com', 'git.acme-corp.com', 'artifacts.acme-corp.com'])}\n  login ${c.user || 'token'}\n  password ${c.q()}\n`,
    forbid: /\s/,
  },
  {
    id: 'git-credentials', path: () => '.git-credentials', needsUser: true, esc: pct,
    render: (c) => `https://${c.user || 'token'}:${c.q()}@${pick(c, ['github.com', 'gitlab.com', 'bitbucket.org', 'git.acme-corp.com'])}\n`,
    forbid: NO_NL,
  },
  {
    id: 'git/remote-url', path: () => 'scripts/mirror.sh', needsUser: true, esc: pct,
    render: (c) => `#!/bin/sh\nset -eu\ngit remote set-url origin "https://${c.user || 'oauth2'}:${c.q()}@${pick(c, ['github.com', 'gitlab.com'])}/acme/${app(c)}.git"\ngit push --mirror origin\n`,
    forbid: NO_NL,
  },
  {
    id: 'docker/config-json', path: () => '.docker/config.json', needsUser: true,
    encode: (v, c) => whole(b64(`${c.user}:${v.text}`)),
    render: (c) => `{\n\t"auths": {\n\t\t"${pick(c, ['https://index.docker.io/v1/', 'ghcr.io', 'registry.gitlab.com', 'acme.jfrog.io'])}": {\n\t\t\t"auth": "${c.q()}"\n\t\t}\n\t}\n}\n`,
    forbid: NO_NL,
  },
  // ---- Kubernetes
  {
    id: 'kube/config-token', path: () => '.kube/config',
    accept: (p) => ['jwt-bearer-token', 'generic-access-token', 'digitalocean-pat', 'google-oauth-access-token', 'gitlab-agent-token'].includes(p.label),
    render: (c) => `apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://k8s.${host(c)}:6443\n  name: prod\ncontexts:\n- context:\n    cluster: prod\n    user: deployer\n  name: prod\ncurrent-context: prod\nusers:\n- name: deployer\n  user:\n    token: ${c.q()}\n`,
  },
  {
    id: 'kube/client-key-data', path: () => 'kubeconfig.yaml', encode: (v) => whole(b64(v.text + '\n')),
    accept: (p) => p.group === 'keys' && !['private-key-pgp', 'private-key-putty'].includes(p.label),
    render: (c) => `apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    client-certificate: /etc/kubernetes/pki/admin.crt\n    client-key-data: ${c.q()}\n`,
  },
  {
    id: 'k8s/secret-data', path: (c) => `k8s/${kebab(c.name)}-secret.yaml`, encode: (v) => whole(b64(v.text)),
    render: (c) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${app(c)}-credentials\n  namespace: ${app(c)}\ntype: Opaque\ndata:\n  ${kebab(c.name)}: ${c.q()}\n`,
  },
  {
    id: 'k8s/secret-stringdata', path: () => 'k8s/secret.yaml', esc: jsonEsc,
    render: (c) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${app(c)}-env\ntype: Opaque\nstringData:\n  ${c.name}: ${c.q('"')}\n`,
  },
  {
    id: 'k8s/deployment-env', path: () => 'k8s/deployment.yaml', esc: jsonEsc,
    render: (c) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app(c)}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/acme/${app(c)}:1.4.0\n          env:\n            - name: ${c.name}\n              value: ${c.q('"')}\n`,
    forbid: NO_NL,
  },
  // ---- Terraform / HCL
  {
    id: 'terraform/variable-default', path: () => 'variables.tf', esc: jsonEsc,
    render: (c) => `variable "${lowerSnake(c.name)}" {\n  type      = string\n  sensitive = true\n  default   = ${c.q('"')}\n}\n`,
    forbid: /\$\{|%\{/, ref: (c) => `var.${lowerSnake(c.name)}_from_vault`,
  },
  {
    id: 'terraform/provider', path: () => 'main.tf', esc: jsonEsc,
    render: (c) => `terraform {\n  required_version = ">= 1.5"\n}\n\nprovider "${lowerSnake(c.vendor.replace(/[^A-Za-z0-9]+/g, '_'))}" {\n  ${snakeShort(c.name)} = ${c.q('"')}\n}\n`,
    forbid: /\$\{|%\{/, ref: (c) => `var.${snakeShort(c.name)}`,
  },
  {
    id: 'terraform/tfvars', path: () => 'terraform.tfvars', esc: jsonEsc,
    render: (c) => `region      = "eu-west-1"\nenvironment = "prod"\n${lowerSnake(c.name)} = ${c.q('"')}\n`,
    forbid: /\$\{|%\{/,
  },
  {
    id: 'terraform/heredoc', path: () => 'keys.tf', esc: indent(''), multiline: true,
    render: (c) => `resource "tls_locally_signed_cert" "app" {\n  cert_request_pem = file("app.csr")\n}\n\nlocals {\n  ${lowerSnake(c.name)} = <<-EOT\n${c.q()}\nEOT\n}\n`,
    holds: (s) => s.includes('\n'),
  },
  // ---- containers and CI
  {
    id: 'dockerfile/env', path: () => 'Dockerfile',
    render: (c) => `FROM node:20-alpine\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nENV ${c.name}=${c.q()}\nCOPY . .\nCMD ["node", "server.js"]\n`,
    forbid: /[\s"'\\$]/, ref: (c) => `\${${c.name}}`,
  },
  {
    id: 'dockerfile/env-space', path: () => 'docker/Dockerfile',
    render: (c) => `FROM python:3.12-slim\nENV PYTHONUNBUFFERED 1\nENV ${c.name} ${c.q()}\nCOPY . /srv\nCMD ["gunicorn", "app:app"]\n`,
    forbid: /[\s"'\\$]/, ref: (c) => `$${c.name}`,
  },
  {
    id: 'dockerfile/arg', path: () => 'Dockerfile.build',
    render: (c) => `FROM golang:1.22 AS build\nARG ${c.name}=${c.q()}\nRUN go build -o /out/app ./cmd/app\n`,
    forbid: /[\s"'\\$]/,
  },
  {
    id: 'compose/list', path: () => 'docker-compose.yml',
    render: (c) => `services:\n  ${app(c)}:\n    image: ghcr.io/acme/${app(c)}:latest\n    environment:\n      - NODE_ENV=production\n      - ${c.name}=${c.q()}\n    ports:\n      - "8080:8080"\n`,
    holds: (s) => YAML_PLAIN_OK(s) && !s.includes('$'), ref: (c) => `\${${c.name}:?set it in .env}`,
  },
  {
    id: 'compose/map', path: () => 'compose.yaml', esc: jsonEsc,
    render: (c) => `services:\n  db:\n    image: postgres:16\n  ${app(c)}:\n    build: .\n    environment:\n      ${c.name}: ${c.q('"')}\n      DATABASE_HOST: db\n`,
    forbid: /[$\n]/, ref: (c) => `\${${c.name}}`,
  },
  {
    id: 'gha/env', path: () => '.github/workflows/deploy.yml',
    render: (c) => `name: deploy\non:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      ${c.name}: ${c.q("'")}\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./scripts/deploy.sh\n`,
    forbid: /['\n]/, ref: (c) => `\${{ secrets.${c.name} }}`,
  },
  {
    id: 'gha/with', path: () => '.github/workflows/release.yml',
    render: (c) => `name: release\non: workflow_dispatch\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: acme/publish-action@v2\n        with:\n          ${kebab(snakeShort(c.name))}: ${c.q("'")}\n`,
    forbid: /['\n]/, ref: (c) => `\${{ secrets.${c.name} }}`,
  },
  {
    id: 'gitlab-ci/variables', path: () => '.gitlab-ci.yml', esc: jsonEsc,
    render: (c) => `stages: [build, deploy]\nvariables:\n  DOCKER_DRIVER: overlay2\n  ${c.name}: ${c.q('"')}\ndeploy:\n  stage: deploy\n  script:\n    - ./deploy.sh\n`,
    forbid: /[$\n]/, ref: (c) => `$${c.name}_MASKED`,
  },
  {
    id: 'jenkinsfile/environment', path: () => 'Jenkinsfile',
    render: (c) => `pipeline {\n  agent any\n  environment {\n    ${c.name} = ${c.q("'")}\n  }\n  stages {\n    stage('Deploy') { steps { sh './deploy.sh' } }\n  }\n}\n`,
    forbid: /['\\\n]/, ref: (c) => `credentials('${kebab(c.name)}')`,
  },
  // ---- shell
  {
    id: 'shell/export', path: () => 'scripts/deploy.sh',
    render: (c) => `#!/usr/bin/env bash\nset -euo pipefail\n\nexport ${c.name}="${c.q()}"\n./bin/${app(c)} migrate\n`,
    forbid: SHELL_DQ, ref: (c) => `\${${c.name}:?missing}`,
  },
  {
    id: 'shell/curl-u', path: () => 'scripts/smoke-test.sh', needsUser: true,
    render: (c) => `#!/bin/sh\ncurl -sf ${c.user === '' ? `-u ${c.q()}:` : `--user ${c.user}:${c.q()}`} https://${host(c)}/v1/status\n`,
    forbid: /[\s"'`$\\!;&|()<>*?#]/, ref: () => '"$API_TOKEN"',
  },
  {
    id: 'shell/curl-u-quoted', path: () => 'scripts/check.sh', needsUser: true,
    render: (c) => `#!/bin/sh\nset -e\ncurl -s -u '${c.user}:${c.q()}' "https://${host(c)}/api/health" | jq .\n`,
    forbid: /['\n]/,
  },
  {
    id: 'shell/curl-basic-header', path: () => 'scripts/call-api.sh', needsUser: true,
    encode: (v, c) => whole(b64(`${c.user}:${v.text}`)),
    render: (c) => `#!/bin/sh\ncurl -X POST 'https://${host(c)}/v2/jobs' \\\n  -H 'Authorization: Basic ${c.q()}' \\\n  -H 'Content-Type: application/json' \\\n  -d '{"name":"nightly"}'\n`,
  },
  {
    id: 'shell/curl-header', sent: true, path: () => 'scripts/fetch.sh',
    render: (c) => `#!/bin/sh\ncurl -s "https://${host(c)}/v1/items?limit=50" \\\n  -H "${headerLine(c)}" \\\n  -H "Accept: application/json"\n`,
    forbid: /[\s"$`\\!]/, ref: (c) => `$${c.name}`,
  },
  {
    id: 'shell/helm-set', path: () => 'scripts/install.sh',
    render: (c) => `#!/bin/sh\nhelm upgrade --install ${app(c)} ./charts/app \\\n  --namespace ${app(c)} \\\n  --set secrets.${camel(c.name)}=${c.q()}\n`,
    forbid: /[\s"'`$\\!;&|()<>*?#,{}[\]]/, ref: (c) => `"$${c.name}"`,
  },
  {
    id: 'powershell/env', path: () => 'scripts/setup.ps1',
    render: (c) => `$ErrorActionPreference = "Stop"\n$env:${c.name} = ${c.q('"')}\ndotnet run --project src/Api\n`,
    forbid: /["$`\n]/, ref: (c) => `(Get-Secret -Name ${c.name} -AsPlainText)`,
  },
  {
    id: 'bat/set', path: () => 'run.bat',
    render: (c) => `@echo off\nset ${c.name}=${c.q()}\njava -jar app.jar\n`,
    forbid: /[\s%^&|<>"]/, ref: (c) => `%${c.name}_SECRET%`,
  },
  {
    id: 'systemd/environment', path: (c) => `deploy/${pick(c, ['app', 'worker'])}.service`,
    render: (c) => `[Unit]\nDescription=${app(c)} worker\n\n[Service]\nEnvironment="${c.name}=${c.q()}"\nExecStart=/usr/local/bin/${app(c)}\nRestart=always\n`,
    forbid: /["\\%$\n]/,
  },
  // ---- Makefile
  ...(['=', ':=', '::=', ':::=', '?='] as const).map((op): Carrier => ({
    id: `makefile/${op}`, path: () => 'Makefile',
    render: (c) => `.PHONY: deploy\n${c.name} ${op} ${c.q()}\n\ndeploy:\n\t./scripts/deploy.sh --env prod\n`,
    forbid: /[#$\n\\]/, holds: (s) => !/^\s|\s$/.test(s), ref: (c) => `$(shell cat /run/secrets/${lowerSnake(c.name)})`,
  })),
  // ---- Go
  {
    id: 'go/short-decl', path: () => 'cmd/app/main.go', esc: jsonEsc,
    render: (c) => `package main\n\nimport "fmt"\n\nfunc main() {\n\t${camel(c.name)} := ${c.q('"')}\n\tfmt.Println(len(${camel(c.name)}))\n}\n`,
    forbid: NO_NL, ref: (c) => `os.Getenv("${c.name}")`,
  },
  {
    id: 'go/var-typed', path: () => 'internal/config/config.go', esc: jsonEsc,
    render: (c) => `package config\n\nvar ${camel(c.name)} string = ${c.q('"')}\n`,
    forbid: NO_NL, ref: (c) => `os.Getenv("${c.name}")`,
  },
  {
    id: 'go/struct-literal', path: () => 'internal/client/client.go', esc: jsonEsc,
    render: (c) => `package client\n\nfunc New() *Client {\n\treturn &Client{\n\t\tBaseURL: "https://${host(c)}",\n\t\t${goName(snakeShort(c.name))}: ${c.q('"')},\n\t}\n}\n`,
    forbid: NO_NL, ref: (c) => `os.Getenv("${c.name}")`,
  },
  {
    id: 'go/const', path: () => 'pkg/auth/keys.go', esc: jsonEsc,
    render: (c) => `package auth\n\nconst ${goName(c.name)} = ${c.q('"')}\n`,
    forbid: NO_NL,
  },
  {
    id: 'go/raw-string', path: () => 'internal/keys/keys.go', multiline: true,
    render: (c) => `package keys\n\nvar ${camel(c.name)} = []byte(\`${c.q()}\`)\n`,
    holds: (s) => s.includes('\n') && !s.includes('`'),
  },
  // ---- Python
  {
    id: 'python/assign', path: () => 'settings.py', esc: jsonEsc,
    render: (c) => `import os\n\nDEBUG = False\nALLOWED_HOSTS = ["${host(c)}"]\n${c.name} = ${c.q('"')}\n`,
    forbid: NO_NL, ref: (c) => `os.environ["${c.name}"]`,
  },
  {
    id: 'python/kwarg', path: (c) => `${app(c)}/client.py`, esc: jsonEsc,
    render: (c) => `from acme_sdk import Client\n\nclient = Client(\n    base_url="https://${host(c)}",\n    ${snakeShort(c.name)}=${c.q('"')},\n)\n`,
    forbid: NO_NL, ref: (c) => `os.getenv("${c.name}")`,
  },
  {
    id: 'python/dict', path: () => 'config.py', esc: jsonEsc,
    render: (c) => `CONFIG = {\n    "timeout": 30,\n    "${lowerSnake(c.name)}": ${c.q('"')},\n}\n`,
    forbid: NO_NL, ref: (c) => `os.environ.get("${c.name}")`,
  },
  {
    id: 'python/environ-default', path: () => 'app/config.py', esc: jsonEsc,
    render: (c) => `import os\n\n${c.name} = os.environ.get("${c.name}", ${c.q('"')})\n`,
    forbid: NO_NL,
  },
  {
    id: 'python/triple-quoted', path: () => 'keys.py', multiline: true,
    render: (c) => `${c.name} = """${c.q()}\n"""\n`,
    holds: (s) => s.includes('\n') && !s.includes('"""'),
  },
  {
    id: 'python/json-loads', path: () => 'deploy/credentials.py',
    accept: (p) => p.label === 'gcp-service-account-key',
    render: (c) => `import json\n\nfrom google.oauth2 import service_account\n\nINFO = json.loads(${c.q("'")})\ncredentials = service_account.Credentials.from_service_account_info(INFO)\n`,
    forbid: /'/,
  },
  // ---- JavaScript / TypeScript
  {
    id: 'js/const', path: () => 'src/config.js', esc: (s) => s.replace(/\\/g, '\\\\').replace(/'/g, "\\'"),
    render: (c) => `'use strict';\n\nconst ${camel(c.name)} = ${c.q("'")};\n\nmodule.exports = { ${camel(c.name)} };\n`,
    forbid: NO_NL, ref: (c) => `process.env.${c.name}`,
  },
  {
    id: 'js/object', path: () => 'config/production.js', esc: jsonEsc,
    render: (c) => `module.exports = {\n  port: ${c.r.int(3000, 9000)},\n  ${camel(snakeShort(c.name))}: ${c.q('"')},\n};\n`,
    forbid: NO_NL, ref: (c) => `process.env.${c.name}`,
  },
  {
    id: 'ts/typed-const', path: () => 'src/env.ts', esc: jsonEsc,
    render: (c) => `export const ${camel(c.name)}: string = ${c.q('"')};\n`,
    forbid: NO_NL, ref: (c) => `process.env.${c.name} ?? ''`,
  },
  {
    id: 'js/env-fallback', path: () => 'src/server.js', esc: jsonEsc,
    render: (c) => `const express = require('express');\n\nconst ${camel(c.name)} = process.env.${c.name} || ${c.q('"')};\nconst app = express();\napp.listen(3000);\n`,
    forbid: NO_NL,
  },
  {
    id: 'ts/template-literal', path: () => 'src/keys.ts', multiline: true,
    render: (c) => `export const ${camel(c.name)} = \`${c.q()}\`;\n`,
    holds: (s) => s.includes('\n') && !/[`$]/.test(s),
  },
  {
    id: 'js/fetch-header', sent: true, path: () => 'src/api.ts',
    render: (c) => `export async function listItems() {\n  const res = await fetch('https://${host(c)}/v1/items', {\n    headers: { Authorization: 'Bearer ${c.q()}' },\n  });\n  return res.json();\n}\n`,
    forbid: /['\\\n\s]/, ref: (c) => `' + process.env.${c.name} + '`,
  },
  {
    id: 'html/inline-script', path: () => 'public/index.html', esc: jsonEsc,
    render: (c) => `<!doctype html>\n<html>\n<head><title>${app(c)}</title></head>\n<body>\n<script>\n  window.APP_CONFIG = { ${camel(c.name)}: ${c.q('"')} };\n</script>\n</body>\n</html>\n`,
    forbid: /[\n<]/,
  },
  // ---- JVM, .NET, others
  {
    id: 'java/field', path: () => 'src/main/java/com/acme/Config.java', esc: jsonEsc,
    render: (c) => `package com.acme;\n\npublic final class Config {\n    private static final String ${c.name} = ${c.q('"')};\n}\n`,
    forbid: NO_NL, ref: (c) => `System.getenv("${c.name}")`,
  },
  {
    id: 'java/setter', path: () => 'src/main/java/com/acme/ClientFactory.java', esc: jsonEsc,
    render: (c) => `package com.acme;\n\nclass ClientFactory {\n    Client create() {\n        Client client = new Client();\n        client.set${pascal(snakeShort(c.name))}(${c.q('"')});\n        return client;\n    }\n}\n`,
    forbid: NO_NL,
  },
  {
    id: 'kotlin/val', path: () => 'app/src/main/kotlin/Config.kt', esc: jsonEsc,
    render: (c) => `object Config {\n    const val ${c.name} = ${c.q('"')}\n}\n`,
    forbid: /[$\n]/,
  },
  {
    id: 'csharp/const', path: () => 'src/Api/Secrets.cs', esc: jsonEsc,
    render: (c) => `namespace Acme.Api;\n\npublic static class Secrets\n{\n    public const string ${pascal(c.name)} = ${c.q('"')};\n}\n`,
    forbid: NO_NL, ref: (c) => `Environment.GetEnvironmentVariable("${c.name}")`,
  },
  {
    id: 'csharp/var', path: () => 'src/Worker/Program.cs', esc: jsonEsc,
    render: (c) => `var builder = Host.CreateApplicationBuilder(args);\nvar ${camel(c.name)} = ${c.q('"')};\nbuilder.Services.AddSingleton(new ApiClient(${camel(c.name)}));\n`,
    forbid: NO_NL, ref: (c) => `builder.Configuration["${pascal(c.name)}"]`,
  },
  {
    id: 'php/assign', path: () => 'config/services.php',
    render: (c) => `<?php\n\n$${camel(c.name)} = ${c.q("'")};\n\nreturn ['${lowerSnake(c.name)}' => $${camel(c.name)}];\n`,
    forbid: /['\\\n]/, ref: (c) => `getenv('${c.name}')`,
  },
  {
    id: 'php/define', path: () => 'wp-config.php',
    render: (c) => `<?php\ndefine('DB_NAME', 'wordpress');\ndefine('${c.name}', ${c.q("'")});\ndefine('WP_DEBUG', false);\n`,
    forbid: /['\\\n]/, ref: (c) => `getenv('${c.name}')`,
  },
  {
    id: 'php/concat-assign', sent: true, path: () => 'src/Report.php',
    render: (c) => `<?php\n\n$url = 'https://${host(c)}/v2/report?format=json';\n$url .= '&${snakeShort(c.name)}=${c.q()}';\n$response = file_get_contents($url);\n`,
    forbid: /['\\\n&#\s]/,
  },
  {
    id: 'php/array', path: () => 'config/app.php',
    render: (c) => `<?php\n\nreturn [\n    'name' => '${app(c)}',\n    '${snakeShort(c.name)}' => ${c.q("'")},\n];\n`,
    forbid: /['\\\n]/, ref: (c) => `env('${c.name}')`,
  },
  {
    id: 'ruby/const', path: () => 'config/initializers/secrets.rb', esc: jsonEsc,
    render: (c) => `# frozen_string_literal: true\n\n${c.name} = ${c.q('"')}\n`,
    forbid: /#\{|\n/, ref: (c) => `ENV.fetch("${c.name}")`,
  },
  {
    id: 'ruby/config', path: (c) => `config/initializers/${lowerSnake(c.vendor.replace(/[^A-Za-z0-9]+/g, '_'))}.rb`,
    render: (c) => `Rails.application.configure do\n  config.x.${snakeShort(c.name)} = ${c.q("'")}\nend\n`,
    forbid: /['\\\n]/, ref: (c) => `ENV["${c.name}"]`,
  },
  {
    id: 'rust/const', path: () => 'src/config.rs', esc: jsonEsc,
    render: (c) => `pub const ${c.name}: &str = ${c.q('"')};\n`,
    forbid: NO_NL,
  },
  {
    id: 'rust/let', path: () => 'src/main.rs', esc: jsonEsc,
    render: (c) => `fn main() {\n    let ${lowerSnake(c.name)} = ${c.q('"')};\n    run(${lowerSnake(c.name)});\n}\n`,
    forbid: NO_NL, ref: (c) => `std::env::var("${c.name}").unwrap()`,
  },
  {
    id: 'swift/let', path: () => 'Sources/App/Keys.swift', esc: jsonEsc,
    render: (c) => `enum Keys {\n    static let ${camel(c.name)} = ${c.q('"')}\n}\n`,
    forbid: /\\\(|\n/,
  },
  {
    id: 'c/define', path: () => 'src/secrets.h', esc: jsonEsc,
    render: (c) => `#ifndef SECRETS_H\n#define SECRETS_H\n#define ${c.name} ${c.q('"')}\n#endif\n`,
    forbid: NO_NL,
  },
  {
    id: 'elixir/config', path: () => 'config/prod.exs', esc: jsonEsc,
    render: (c) => `import Config\n\nconfig :${app(c)}, ${app(c).replace(/^./, (x) => x.toUpperCase())}.Client,\n  ${snakeShort(c.name)}: ${c.q('"')}\n`,
    forbid: /#\{|\n/, ref: (c) => `System.fetch_env!("${c.name}")`,
  },
  {
    id: 'sql/create-user', path: () => 'db/init.sql',
    accept: (p) => ['generic-password', 'planetscale-password', 'nuget-feed-password'].includes(p.label),
    render: (c) => `CREATE DATABASE ${app(c)};\nCREATE USER ${app(c)}_app WITH PASSWORD ${c.q("'")};\nGRANT ALL PRIVILEGES ON DATABASE ${app(c)} TO ${app(c)}_app;\n`,
    forbid: /['\n]/,
  },
  {
    id: 'pgpass', path: () => '.pgpass',
    accept: (p) => p.label === 'generic-password',
    render: (c) => `db.internal:5432:${app(c)}:${app(c)}_app:${c.q()}\n`,
    forbid: /[:\\\n]/,
  },
  {
    id: 'http/request-file', sent: true, path: () => 'requests/api.http',
    render: (c) => `### list items\nGET https://${host(c)}/v1/items\nAuthorization: Bearer ${c.q()}\nAccept: application/json\n`,
    forbid: /[\s]/, ref: () => '{{token}}',
  },
  {
    id: 'nginx/header', sent: true, path: () => 'deploy/nginx.conf',
    render: (c) => `location /upstream/ {\n    proxy_pass https://${host(c)}/;\n    proxy_set_header Authorization "Bearer ${c.q()}";\n}\n`,
    forbid: /["\s\\$;]/,
  },
  {
    id: 'csv/row', path: () => 'data/integrations.csv',
    render: (c) => `service,credential,environment\nsearch,,staging\n${lowerSnake(c.name)},${c.q()},production\n`,
    forbid: /[,"\n]/,
  },
  // ---- AWS and Akamai files with their companions
  {
    id: 'aws/credentials-file', path: () => '.aws/credentials',
    accept: (p) => ['aws-secret-access-key', 'aws-access-key-id', 'aws-session-token', 'aws-temporary-access-key-id'].includes(p.label),
    render: (c) => c.q(),
  },
  {
    id: 'akamai/edgerc', path: () => '.edgerc', accept: (p) => p.label === 'akamai-edgegrid-client-secret',
    render: (c) => c.q(),
  },
  // ---- prose, chat, logs
  {
    id: 'markdown/inline-code', path: () => 'docs/setup.md',
    render: (c) => `## Local setup\n\nAsk in #platform for access, then use \`${c.q()}\` as the ${c.vendor} ${c.noun} when the CLI prompts for it.\n`,
    forbid: /[`\n]/,
  },
  {
    id: 'markdown/code-block', path: () => 'README.md',
    render: (c) => `# ${app(c)}\n\nRun it locally:\n\n\`\`\`bash\nexport ${c.name}=${c.q()}\nnpm run dev\n\`\`\`\n`,
    forbid: /[\s"'`$\\!;&|()<>]/, ref: (c) => `$(pass show ${kebab(c.name)})`,
  },
  {
    id: 'markdown/table', path: () => 'docs/environments.md',
    render: (c) => `| Variable | Value | Where |\n| --- | --- | --- |\n| REGION | eu-west-1 | all |\n| ${c.name} | ${c.q()} | production |\n`,
    forbid: /[|\n]/,
  },
  {
    id: 'chat/sentence', path: () => 'notes/handover.txt',
    render: (c) => `Hi both, quick handover before my leave.\nThe ${c.vendor} ${c.noun} is ${c.q()} - it is the one on the ops account.\nPing me if the deploy fails.\n`,
    forbid: /[\s]/,
  },
  {
    id: 'chat/colon', path: () => 'notes/slack-export.txt',
    render: (c) => `[10:42] dana: can someone share the ${c.noun} for ${c.vendor}? staging is down\n[10:44] lee: ${c.vendor.toLowerCase()} ${c.noun}: ${c.q()}\n[10:45] dana: thanks!\n`,
    forbid: /[\n]/,
  },
  {
    id: 'chat/anonymous', path: () => 'notes/pairing.txt', anonymous: true,
    render: (c) => `pairing notes, tuesday\n- repro needs the old build\n- paste this into the prompt: ${c.q()}\n- then rerun the job\n`,
    forbid: /[\s]/,
  },
  {
    id: 'log/key-value', path: () => 'logs/app.log',
    render: (c) => `2024-05-03T10:22:41.512Z INFO  starting ${app(c)} v1.8.2\n2024-05-03T10:22:41.520Z DEBUG config loaded ${c.name}=${c.q()} source=env\n2024-05-03T10:22:41.733Z INFO  listening on :8080\n`,
    forbid: /[\s]/,
  },
  {
    id: 'log/http-trace', sent: true, path: () => 'logs/curl-trace.txt', anonymous: true,
    render: (c) => {
      const h = host(c);
      return `* Connected to ${h} (10.0.3.17) port 443\n> GET /v1/me HTTP/2\n> Host: ${h}\n> authorization: Bearer ${c.q()}\n> user-agent: curl/8.5.0\n< HTTP/2 200\n`;
    },
    forbid: /[\s]/,
  },
  {
    id: 'log/json-line', sent: true, path: () => 'logs/requests.jsonl', esc: jsonEsc, anonymous: true,
    render: (c) => `{"level":"info","ts":1714731761.51,"msg":"request","path":"/health"}\n{"level":"debug","ts":1714731762.02,"msg":"outgoing request","url":"https://${host(c)}/v1/sync","headers":{"authorization":"Bearer ${c.q()}"}}\n`,
    forbid: /[\s]/,
  },
  {
    id: 'url/query-param', sent: true, path: () => 'docs/webhooks.md',
    render: (c) => `Point the monitor at\n\n    https://${host(c)}/v1/check?${snakeShort(c.name)}=${c.q()}&region=eu\n\nand set the interval to one minute.\n`,
    forbid: /[\s&#?%]/,
  },
  // ---- encodings (the scored span is the encoded text)
  {
    id: 'encoded/base64-env', path: () => '.env.ci', anonymous: true, encode: (v) => whole(b64(v.text)),
    render: (c) => `CI=true\n${c.name}_B64=${c.q()}\n`,
  },
  {
    id: 'encoded/base64-envfile', path: () => 'ci/variables.env', encode: (v, c) => whole(b64(`${c.name}=${v.text}\n`)),
    render: (c) => `# the whole env file, base64 so it survives the CI variable UI\nDOTENV_PRODUCTION=${c.q()}\n`,
  },
  {
    id: 'encoded/hex', path: () => 'logs/frames.log', anonymous: true, encode: (v) => whole(hex(v.text)),
    render: (c) => `2024-05-03 10:22:43 DEBUG ws send opcode=1 len=${c.r.int(40, 400)}\n2024-05-03 10:22:43 TRACE payload hex=${c.q()}\n`,
    holds: (s) => !s.includes('\n'),
  },
  {
    id: 'encoded/form-urlencoded', sent: true, path: () => 'scripts/token.sh', encode: (v) => mapValue(v, pct),
    render: (c) => `#!/bin/sh\ncurl -s https://auth.${host(c)}/oauth/token \\\n  -d 'grant_type=client_credentials&client_id=${app(c)}-worker&${snakeShort(c.name)}=${c.q()}'\n`,
    holds: (s) => !s.includes('\n'),
  },
  {
    id: 'encoded/url-in-query', path: () => 'docs/links.md', encode: (v) => mapValue(v, pct),
    accept: (p) => p.group === 'urls',
    render: (c) => `Setup link for the new environment:\n\nhttps://setup.${host(c)}/connect?source=${c.q()}&ssl=1\n`,
  },
  {
    // The correct way to write a special-character password into a URL: only the password is escaped.
    id: 'url/percent-escaped-password', path: () => '.env', encode: (v) => around(v.text.slice(0, v.start), pct(v.text.slice(v.start, v.end)), v.text.slice(v.end)),
    accept: (p) => p.group === 'urls' && !['mssql-connection-string', 'jdbc-url-password'].includes(p.label),
    render: (c) => `${c.name}=${c.q()}\n`,
  },
  // ---- raw key files
  {
    id: 'file/pem', path: (c) => pick(c, ['id_rsa', 'certs/server.key', 'keys/signing.pem', 'deploy_key', 'secrets/app.private-key.pem']), multiline: true,
    accept: (p) => p.group === 'keys',
    render: (c) => `${c.q()}\n`,
  },
];

/** The file content around a carrier-specific, multi-field credential file (AWS, Akamai). */
export function companionFile(carrier: Carrier, p: Provider, r: Rand, value: string): { text: string; companions: string[] } | null {
  if (carrier.id === 'aws/credentials-file') {
    const id = r.t(p.label === 'aws-session-token' || p.label === 'aws-temporary-access-key-id' ? 'ASIA{{upperalnum:16}}' : 'AKIA{{upperalnum:16}}');
    const secret = r.t('{{base64:40}}');
    const session = 'IQoJb3JpZ2luX2VjE' + r.str('base64', 400);
    const lines = ['[default]', 'region = eu-west-1', '', `[${r.pick(['deploy', 'prod', 'ci'])}]`];
    const comp: string[] = [];
    const put = (k: string, v: string, planted: boolean) => {
      lines.push(`${k} = ${planted ? MARK : v}`);
      if (!planted) comp.push(v);
    };
    put('aws_access_key_id', p.label.endsWith('key-id') ? value : id, p.label.endsWith('key-id'));
    put('aws_secret_access_key', p.label === 'aws-secret-access-key' ? value : secret, p.label === 'aws-secret-access-key');
    if (p.label === 'aws-session-token' || p.label === 'aws-temporary-access-key-id') put('aws_session_token', p.label === 'aws-session-token' ? value : session, p.label === 'aws-session-token');
    return { text: lines.join('\n') + '\n', companions: comp };
  }
  if (carrier.id === 'akamai/edgerc') {
    const ct = `akab-${r.str('loweralnum', 16)}-${r.str('loweralnum', 16)}`;
    const at = `akab-${r.str('loweralnum', 16)}-${r.str('loweralnum', 16)}`;
    return {
      text: `[default]\nclient_secret = ${MARK}\nhost = akab-${r.str('loweralnum', 16)}-${r.str('loweralnum', 16)}.luna.akamaiapis.net\naccess_token = ${at}\nclient_token = ${ct}\n`,
      companions: [ct, at],
    };
  }
  return null;
}

export const carrierById = new Map(CARRIERS.map((c) => [c.id, c]));
