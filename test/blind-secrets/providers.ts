/**
 * The credential kinds the blind corpus plants, one entry per kind, each with the public page
 * that documents its shape. Written from the providers' own documentation (and, where a
 * provider documents no shape, from what its console hands out), never from another
 * scanner's rules.
 *
 * A value is built from templates and the seeded generator at test time; nothing here is a
 * usable credential.
 */
import { around, b64, b64url, bech32, checksummed, DER_START, jwt, password, pem, randomKey, uuid, whole, type Value, armour } from './formats.js';
import type { Rand } from './rand.js';

export type Group = 'cloud' | 'vcs-ci' | 'registry' | 'saas' | 'payments' | 'messaging' | 'observability' | 'ai' | 'data' | 'secrets-iac' | 'keys' | 'urls' | 'generic';

export interface Provider {
  /** Stable id of the kind: the score table groups by it. */
  label: string;
  group: Group;
  /** Who issues it, for prose ("the Datadog API key is ..."). */
  vendor: string;
  /** What the provider calls it. */
  noun: string;
  /** The provider's documentation of the format (or of the credential, when no format is published). */
  docs: string;
  /** Variable names people give it; the first is the usual one. */
  names: string[];
  /** True when the value alone says what it is (a prefix, a structure): it may appear without a name. */
  selfId: boolean;
  make(r: Rand): Value;
  /** A user name to pair with it for basic-auth forms (curl -u, docker login, .netrc). */
  user?: (r: Rand) => string;
  /** How many plants (default 5). */
  count?: number;
  /** Carrier ids this kind may use; default: every carrier that can hold the value. */
  only?: string[];
  /** Carrier ids this kind must not use. */
  not?: string[];
  /** Exact shape for one-character-short/long look-alikes: prefix + body of this class and length. */
  exact?: { prefix: string; cls: 'alnum' | 'loweralnum' | 'hex' | 'base64url' | 'upperalnum' | 'alpha' | 'bech32'; len: number };
}

const t = (r: Rand, template: string) => whole(r.t(template));
const email = (r: Rand) => `${r.pick(['ops', 'deploy', 'ci', 'jane.doe', 'build-bot', 'mkovacs', 'platform'])}@${r.pick(['acme-corp.com', 'example-logistics.io', 'northwind.dev', 'contoso-labs.net'])}`;
const digits = (r: Rand, lo: number, hi: number) => r.str('digits', 1).replace('0', '1') + r.str('digits', r.int(lo, hi) - 1);

function gcpServiceAccount(r: Rand): Value {
  const project = `${r.pick(['billing', 'ingest', 'search', 'analytics'])}-${r.pick(['prod', 'staging'])}-${r.int(100000, 999999)}`;
  const key = pem(r, 'PRIVATE KEY', DER_START.pkcs8rsa, 1624, { pad: true }).replace(/\n/g, '\\n') + '\\n';
  const before = `{"type": "service_account", "project_id": "${project}", "private_key_id": "${r.str('hex', 40)}", "private_key": "`;
  const after = `", "client_email": "${r.pick(['deployer', 'ci-runner', 'exporter'])}@${project}.iam.gserviceaccount.com", "client_id": "${r.str('digits', 21)}", "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": "https://oauth2.googleapis.com/token"}`;
  return around(before, key, after);
}

function onePassword(r: Rand): string {
  const payload = {
    signInAddress: 'my.1password.com',
    userAuth: { method: 'SRPg-4096', alg: 'PBES2g-HS256', iterations: 650000, salt: r.str('base64url', 22) },
    email: `${r.str('lower', 12)}@1passwordserviceaccounts.com`,
    srpX: r.str('hex', 64),
    muk: { alg: 'A256GCM', ext: true, k: r.str('base64url', 43), key_ops: ['encrypt', 'decrypt'], kty: 'oct', kid: 'mp' },
    secretKey: `A3-${r.str('upperalnum', 6)}-${r.str('upperalnum', 6)}-${r.str('upperalnum', 5)}-${r.str('upperalnum', 5)}-${r.str('upperalnum', 5)}-${r.str('upperalnum', 5)}`,
    throttleSecret: { seed: r.str('hex', 64), uuid: r.str('upperalnum', 26) },
    deviceUuid: r.str('loweralnum', 26),
  };
  return 'ops_' + b64url(JSON.stringify(payload));
}

function dbUrl(r: Rand, scheme: string, port: number, path: string, opts: { user?: string; host?: string; query?: string } = {}): Value {
  const user = opts.user ?? r.pick(['app', 'svc_orders', 'reporting', 'api_user', 'billing', 'etl']);
  const host = opts.host ?? r.pick(['db.internal.acme-corp.com', 'prod-db-1.c9xkz2.eu-west-1.rds.amazonaws.com', '10.12.4.21', 'pg-primary.svc.cluster.local', 'mysql-01.northwind.dev']);
  const pw = password(r, { specials: true, urlHard: r.chance(0.6) });
  return around(`${scheme}://${user}:`, pw, `@${host}${port ? ':' + port : ''}${path}${opts.query ?? ''}`);
}

/** PEM private keys; the span is the whole block, armour included. */
function key(label: string, vendorNoun: string, make: (r: Rand) => string, docs: string, names: string[]): Provider {
  return { label, group: 'keys', vendor: vendorNoun, noun: 'private key', docs, names, selfId: true, make: (r) => whole(make(r)), count: 6 };
}

export const PROVIDERS: Provider[] = [
  // ------------------------------------------------------------------ cloud
  {
    label: 'aws-access-key-id', group: 'cloud', vendor: 'AWS', noun: 'access key ID',
    docs: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids',
    names: ['AWS_ACCESS_KEY_ID', 'S3_ACCESS_KEY_ID', 'AWS_ACCESS_KEY'], selfId: true,
    make: (r) => t(r, 'AKIA{{upperalnum:16}}'), exact: { prefix: 'AKIA', cls: 'upperalnum', len: 16 },
  },
  {
    label: 'aws-secret-access-key', group: 'cloud', vendor: 'AWS', noun: 'secret access key',
    docs: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html',
    names: ['AWS_SECRET_ACCESS_KEY', 'AWS_SECRET_KEY', 'S3_SECRET_ACCESS_KEY'], selfId: false,
    make: (r) => t(r, '{{base64:40}}'), user: (r) => r.t('AKIA{{upperalnum:16}}'),
  },
  {
    label: 'aws-temporary-access-key-id', group: 'cloud', vendor: 'AWS', noun: 'temporary access key ID',
    docs: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_use-resources.html',
    names: ['AWS_ACCESS_KEY_ID'], selfId: true, count: 3,
    make: (r) => t(r, 'ASIA{{upperalnum:16}}'),
  },
  {
    label: 'aws-session-token', group: 'cloud', vendor: 'AWS', noun: 'session token',
    docs: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_use-resources.html',
    names: ['AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN'], selfId: false, count: 4,
    make: (r) => whole('IQoJb3JpZ2luX2Vj' + r.str('alnum', 3) + '//' + r.str('base64', 380 + r.int(0, 200))),
  },
  {
    label: 'aws-appsync-api-key', group: 'cloud', vendor: 'AWS AppSync', noun: 'API key',
    docs: 'https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html#api-key-authorization',
    names: ['APPSYNC_API_KEY', 'GRAPHQL_API_KEY'], selfId: true, count: 4,
    make: (r) => t(r, 'da2-{{loweralnum:26}}'), exact: { prefix: 'da2-', cls: 'loweralnum', len: 26 },
  },
  {
    label: 'gcp-service-account-key', group: 'cloud', vendor: 'Google Cloud', noun: 'service account key',
    docs: 'https://cloud.google.com/iam/docs/keys-create-delete',
    names: ['GOOGLE_APPLICATION_CREDENTIALS_JSON', 'GCP_SA_KEY', 'GOOGLE_CREDENTIALS'], selfId: true, count: 5,
    make: gcpServiceAccount, only: ['json/service-account', 'env/squote', 'gha/env', 'python/json-loads', 'k8s/secret-stringdata'],
  },
  {
    label: 'gcp-api-key', group: 'cloud', vendor: 'Google', noun: 'API key',
    docs: 'https://cloud.google.com/docs/authentication/api-keys',
    names: ['GOOGLE_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_MAPS_SERVER_KEY', 'YOUTUBE_API_KEY'], selfId: true,
    make: (r) => t(r, 'AIza{{base64url:35}}'), exact: { prefix: 'AIza', cls: 'base64url', len: 35 },
  },
  {
    label: 'google-oauth-client-secret', group: 'cloud', vendor: 'Google', noun: 'OAuth client secret',
    docs: 'https://developers.google.com/identity/protocols/oauth2',
    names: ['GOOGLE_CLIENT_SECRET', 'GOOGLE_OAUTH_CLIENT_SECRET'], selfId: true,
    make: (r) => t(r, 'GOCSPX-{{base64url:28}}'),
  },
  {
    label: 'google-oauth-refresh-token', group: 'cloud', vendor: 'Google', noun: 'OAuth refresh token',
    docs: 'https://developers.google.com/identity/protocols/oauth2#size',
    names: ['GOOGLE_REFRESH_TOKEN', 'GMAIL_REFRESH_TOKEN'], selfId: true, count: 4,
    make: (r) => whole('1//0' + r.str('base64url', r.int(90, 100))),
  },
  {
    label: 'google-oauth-access-token', group: 'cloud', vendor: 'Google', noun: 'OAuth access token',
    docs: 'https://developers.google.com/identity/protocols/oauth2#size',
    names: ['GOOGLE_ACCESS_TOKEN', 'GCLOUD_ACCESS_TOKEN'], selfId: true, count: 4,
    make: (r) => whole('ya29.' + r.str('base64url', r.int(150, 220))),
  },
  {
    label: 'azure-storage-account-key', group: 'cloud', vendor: 'Azure Storage', noun: 'account key',
    docs: 'https://learn.microsoft.com/azure/storage/common/storage-configure-connection-string',
    names: ['AZURE_STORAGE_CONNECTION_STRING', 'STORAGE_CONNECTION_STRING', 'AzureWebJobsStorage'], selfId: true, count: 6,
    make: (r) => around(`DefaultEndpointsProtocol=https;AccountName=${r.pick(['acmeprodlogs', 'nwbackups01', 'contosoassets'])};AccountKey=`, r.str('base64', 86) + '==', ';EndpointSuffix=core.windows.net'),
  },
  {
    label: 'azure-sas-token', group: 'cloud', vendor: 'Azure Storage', noun: 'shared access signature',
    docs: 'https://learn.microsoft.com/rest/api/storageservices/create-service-sas',
    names: ['AZURE_STORAGE_SAS_TOKEN', 'BLOB_SAS_URL'], selfId: true,
    make: (r) => around(`https://${r.pick(['acmeprodlogs', 'nwbackups01'])}.blob.core.windows.net/${r.pick(['exports', 'uploads'])}?sv=2022-11-02&ss=b&srt=sco&sp=rwdlacx&se=2026-03-01T00:00:00Z&st=2025-03-01T00:00:00Z&spr=https&sig=`, r.str('alnum', 42) + '%3D', ''),
  },
  {
    label: 'azure-ad-client-secret', group: 'cloud', vendor: 'Microsoft Entra ID', noun: 'client secret',
    docs: 'https://learn.microsoft.com/purview/sit-defn-azure-ad-client-secret',
    names: ['AZURE_CLIENT_SECRET', 'ARM_CLIENT_SECRET', 'AAD_CLIENT_SECRET'], selfId: true,
    make: (r) => whole(r.str('alnum', 3) + '8Q~' + r.t('{{alnum:10}}') + r.pick(['.', '-', '_', '~']) + r.str('alnum', 23)),
  },
  {
    label: 'azure-devops-pat', group: 'cloud', vendor: 'Azure DevOps', noun: 'personal access token',
    docs: 'https://learn.microsoft.com/azure/devops/organizations/accounts/use-personal-access-tokens-to-authenticate',
    names: ['AZURE_DEVOPS_PAT', 'AZURE_DEVOPS_EXT_PAT', 'ADO_PAT'], selfId: false, user: () => 'pat',
    make: (r) => whole(r.str('base32lower', 52)),
  },
  {
    label: 'azure-service-bus-key', group: 'cloud', vendor: 'Azure Service Bus', noun: 'shared access key',
    docs: 'https://learn.microsoft.com/azure/service-bus-messaging/service-bus-sas',
    names: ['SERVICEBUS_CONNECTION_STRING', 'AZURE_SERVICEBUS_CONNECTION'], selfId: true, count: 4,
    make: (r) => around(`Endpoint=sb://${r.pick(['acme-orders', 'nw-events'])}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=`, r.str('base64', 43) + '=', ''),
  },
  {
    label: 'azure-cosmosdb-key', group: 'cloud', vendor: 'Azure Cosmos DB', noun: 'account key',
    docs: 'https://learn.microsoft.com/azure/cosmos-db/secure-access-to-data',
    names: ['COSMOS_CONNECTION_STRING', 'COSMOSDB_CONNECTION'], selfId: true, count: 4,
    make: (r) => around(`AccountEndpoint=https://${r.pick(['acme-catalog', 'nw-profiles'])}.documents.azure.com:443/;AccountKey=`, r.str('base64', 86) + '==', ';'),
  },
  {
    label: 'azure-function-key', group: 'cloud', vendor: 'Azure Functions', noun: 'function key',
    docs: 'https://learn.microsoft.com/azure/azure-functions/function-keys-how-to',
    names: ['FUNCTION_URL', 'AZURE_FUNCTION_KEY'], selfId: true, count: 4,
    make: (r) => around(`https://${r.pick(['acme-thumbs', 'nw-hooks'])}.azurewebsites.net/api/${r.pick(['resize', 'ingest'])}?code=`, r.str('base64url', 54) + '==', ''),
  },
  {
    label: 'digitalocean-pat', group: 'cloud', vendor: 'DigitalOcean', noun: 'personal access token',
    docs: 'https://docs.digitalocean.com/reference/api/create-personal-access-token/',
    names: ['DIGITALOCEAN_ACCESS_TOKEN', 'DIGITALOCEAN_TOKEN', 'DO_TOKEN'], selfId: true,
    make: (r) => t(r, 'dop_v1_{{hex:64}}'), exact: { prefix: 'dop_v1_', cls: 'hex', len: 64 },
  },
  {
    label: 'digitalocean-oauth-token', group: 'cloud', vendor: 'DigitalOcean', noun: 'OAuth token',
    docs: 'https://docs.digitalocean.com/reference/api/oauth/',
    names: ['DO_OAUTH_TOKEN'], selfId: true, count: 3,
    make: (r) => t(r, 'doo_v1_{{hex:64}}'),
  },
  {
    label: 'digitalocean-refresh-token', group: 'cloud', vendor: 'DigitalOcean', noun: 'refresh token',
    docs: 'https://docs.digitalocean.com/reference/api/oauth/',
    names: ['DO_REFRESH_TOKEN'], selfId: true, count: 3,
    make: (r) => t(r, 'dor_v1_{{hex:64}}'),
  },
  {
    label: 'alibaba-access-key-id', group: 'cloud', vendor: 'Alibaba Cloud', noun: 'AccessKey ID',
    docs: 'https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair',
    names: ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY'], selfId: true, count: 4,
    make: (r) => t(r, 'LTAI{{alnum:20}}'),
  },
  {
    label: 'alibaba-access-key-secret', group: 'cloud', vendor: 'Alibaba Cloud', noun: 'AccessKey secret',
    docs: 'https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair',
    names: ['ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALICLOUD_SECRET_KEY'], selfId: false, count: 4,
    make: (r) => whole(randomKey(r, 30)),
  },
  {
    label: 'ibm-cloud-api-key', group: 'cloud', vendor: 'IBM Cloud', noun: 'API key',
    docs: 'https://cloud.ibm.com/docs/account?topic=account-userapikey',
    names: ['IBMCLOUD_API_KEY', 'IC_API_KEY', 'IBM_CLOUD_API_KEY'], selfId: false, count: 4,
    make: (r) => t(r, '{{base64url:44}}'),
  },
  {
    label: 'tencent-secret-id', group: 'cloud', vendor: 'Tencent Cloud', noun: 'SecretId',
    docs: 'https://www.tencentcloud.com/document/product/598/32675',
    names: ['TENCENTCLOUD_SECRET_ID'], selfId: true, count: 3,
    make: (r) => t(r, 'AKID{{alnum:32}}'),
  },
  {
    label: 'linode-token', group: 'cloud', vendor: 'Linode', noun: 'personal access token',
    docs: 'https://techdocs.akamai.com/linode-api/reference/get-started#personal-access-tokens',
    names: ['LINODE_TOKEN', 'LINODE_API_TOKEN'], selfId: false, count: 3,
    make: (r) => t(r, '{{hex:64}}'),
  },
  {
    label: 'hetzner-cloud-token', group: 'cloud', vendor: 'Hetzner Cloud', noun: 'API token',
    docs: 'https://docs.hetzner.cloud/#authentication',
    names: ['HCLOUD_TOKEN', 'HETZNER_API_TOKEN'], selfId: false, count: 3,
    make: (r) => whole(randomKey(r, 64)),
  },
  {
    label: 'vultr-api-key', group: 'cloud', vendor: 'Vultr', noun: 'API key',
    docs: 'https://www.vultr.com/api/#section/Authentication',
    names: ['VULTR_API_KEY'], selfId: false, count: 3,
    make: (r) => t(r, '{{upperalnum:36}}'),
  },
  {
    label: 'cloudflare-api-token', group: 'cloud', vendor: 'Cloudflare', noun: 'API token',
    docs: 'https://developers.cloudflare.com/fundamentals/api/get-started/create-token/',
    names: ['CLOUDFLARE_API_TOKEN', 'CF_API_TOKEN'], selfId: false,
    make: (r) => whole(r.str('alnum', 20) + r.pick(['_', '-']) + r.str('base64url', 19)),
  },
  {
    label: 'cloudflare-global-api-key', group: 'cloud', vendor: 'Cloudflare', noun: 'global API key',
    docs: 'https://developers.cloudflare.com/fundamentals/api/get-started/keys/',
    names: ['CLOUDFLARE_API_KEY', 'CF_API_KEY'], selfId: false, count: 4,
    make: (r) => t(r, '{{hex:37}}'),
  },
  {
    label: 'cloudflare-origin-ca-key', group: 'cloud', vendor: 'Cloudflare', noun: 'Origin CA key',
    docs: 'https://developers.cloudflare.com/fundamentals/api/get-started/ca-keys/',
    names: ['CF_ORIGIN_CA_KEY', 'CLOUDFLARE_ORIGIN_CA_KEY'], selfId: true, count: 3,
    make: (r) => t(r, 'v1.0-{{hex:24}}-{{hex:146}}'),
  },
  {
    label: 'fastly-api-token', group: 'cloud', vendor: 'Fastly', noun: 'API token',
    docs: 'https://www.fastly.com/documentation/reference/api/auth-tokens/',
    names: ['FASTLY_API_TOKEN', 'FASTLY_API_KEY'], selfId: false, count: 4,
    make: (r) => t(r, '{{base64url:32}}'),
  },
  {
    label: 'akamai-edgegrid-client-secret', group: 'cloud', vendor: 'Akamai', noun: 'EdgeGrid client secret',
    docs: 'https://techdocs.akamai.com/developer/docs/set-up-authentication-credentials',
    names: ['AKAMAI_CLIENT_SECRET'], selfId: false, count: 4,
    make: (r) => t(r, '{{base64:43}}='),
  },

  // ------------------------------------------------------------------ VCS and CI
  {
    label: 'github-pat-classic', group: 'vcs-ci', vendor: 'GitHub', noun: 'personal access token',
    docs: 'https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/',
    names: ['GITHUB_TOKEN', 'GH_TOKEN', 'GITHUB_PAT', 'GH_PAT'], selfId: true, user: (r) => r.pick(['x-access-token', 'octo-deploy', 'jdoe']),
    make: (r) => whole(checksummed('ghp_', r)), exact: { prefix: 'ghp_', cls: 'alnum', len: 36 },
  },
  {
    label: 'github-pat-fine-grained', group: 'vcs-ci', vendor: 'GitHub', noun: 'fine-grained personal access token',
    docs: 'https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/about-authentication-to-github#githubs-token-formats',
    names: ['GITHUB_TOKEN', 'GH_TOKEN', 'GITHUB_PAT'], selfId: true, user: () => 'x-access-token',
    make: (r) => t(r, 'github_pat_11{{upperalnum:20}}_{{alnum:59}}'),
  },
  {
    label: 'github-oauth-token', group: 'vcs-ci', vendor: 'GitHub', noun: 'OAuth access token',
    docs: 'https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/about-authentication-to-github#githubs-token-formats',
    names: ['GITHUB_OAUTH_TOKEN', 'GH_OAUTH_TOKEN'], selfId: true, count: 4,
    make: (r) => whole(checksummed('gho_', r)), exact: { prefix: 'gho_', cls: 'alnum', len: 36 },
  },
  {
    label: 'github-user-to-server-token', group: 'vcs-ci', vendor: 'GitHub', noun: 'user access token',
    docs: 'https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-user-access-token-for-a-github-app',
    names: ['GITHUB_USER_TOKEN'], selfId: true, count: 4,
    make: (r) => whole(checksummed('ghu_', r)),
  },
  {
    label: 'github-installation-token', group: 'vcs-ci', vendor: 'GitHub', noun: 'installation access token',
    docs: 'https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-an-installation-access-token-for-a-github-app',
    names: ['GITHUB_APP_TOKEN', 'GH_INSTALLATION_TOKEN'], selfId: true, count: 4, user: () => 'x-access-token',
    make: (r) => whole(checksummed('ghs_', r)), exact: { prefix: 'ghs_', cls: 'alnum', len: 36 },
  },
  {
    label: 'github-refresh-token', group: 'vcs-ci', vendor: 'GitHub', noun: 'refresh token',
    docs: 'https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens',
    names: ['GITHUB_REFRESH_TOKEN'], selfId: true, count: 3,
    make: (r) => whole(checksummed('ghr_', r)),
  },
  {
    label: 'github-oauth-client-secret', group: 'vcs-ci', vendor: 'GitHub', noun: 'OAuth app client secret',
    docs: 'https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps',
    names: ['GITHUB_CLIENT_SECRET', 'GITHUB_OAUTH_SECRET'], selfId: false, count: 4,
    make: (r) => t(r, '{{hex:40}}'),
  },
  {
    label: 'gitlab-pat', group: 'vcs-ci', vendor: 'GitLab', noun: 'personal access token',
    docs: 'https://docs.gitlab.com/security/tokens/#token-prefixes',
    names: ['GITLAB_TOKEN', 'GITLAB_PRIVATE_TOKEN', 'CI_JOB_TOKEN_OVERRIDE', 'GL_TOKEN'], selfId: true, user: () => 'oauth2',
    make: (r) => t(r, 'glpat-{{base64url:20}}'),
  },
  {
    label: 'gitlab-runner-token', group: 'vcs-ci', vendor: 'GitLab', noun: 'runner authentication token',
    docs: 'https://docs.gitlab.com/security/tokens/#runner-authentication-tokens',
    names: ['RUNNER_TOKEN', 'CI_SERVER_TOKEN'], selfId: true, count: 4,
    make: (r) => t(r, 'glrt-{{base64url:20}}'),
  },
  {
    label: 'gitlab-runner-registration-token', group: 'vcs-ci', vendor: 'GitLab', noun: 'runner registration token',
    docs: 'https://docs.gitlab.com/security/tokens/#runner-registration-tokens-deprecated',
    names: ['REGISTRATION_TOKEN', 'GITLAB_RUNNER_REGISTRATION_TOKEN'], selfId: true, count: 3,
    make: (r) => t(r, 'GR1348941{{base64url:20}}'),
  },
  {
    label: 'gitlab-deploy-token', group: 'vcs-ci', vendor: 'GitLab', noun: 'deploy token',
    docs: 'https://docs.gitlab.com/user/project/deploy_tokens/',
    names: ['GITLAB_DEPLOY_TOKEN', 'CI_DEPLOY_PASSWORD'], selfId: true, count: 4, user: () => 'gitlab+deploy-token-1187',
    make: (r) => t(r, 'gldt-{{base64url:20}}'),
  },
  {
    label: 'gitlab-pipeline-trigger-token', group: 'vcs-ci', vendor: 'GitLab', noun: 'pipeline trigger token',
    docs: 'https://docs.gitlab.com/ci/triggers/',
    names: ['TRIGGER_TOKEN', 'GITLAB_TRIGGER_TOKEN'], selfId: true, count: 4,
    make: (r) => t(r, 'glptt-{{hex:40}}'),
  },
  {
    label: 'gitlab-oauth-app-secret', group: 'vcs-ci', vendor: 'GitLab', noun: 'OAuth application secret',
    docs: 'https://docs.gitlab.com/security/tokens/#token-prefixes',
    names: ['GITLAB_APP_SECRET', 'GITLAB_OAUTH_SECRET'], selfId: true, count: 3,
    make: (r) => t(r, 'gloas-{{hex:64}}'),
  },
  {
    label: 'gitlab-agent-token', group: 'vcs-ci', vendor: 'GitLab', noun: 'agent for Kubernetes token',
    docs: 'https://docs.gitlab.com/security/tokens/#token-prefixes',
    names: ['GITLAB_AGENT_TOKEN', 'AGENTK_TOKEN'], selfId: true, count: 3,
    make: (r) => t(r, 'glagent-{{base64url:50}}'),
  },
  {
    label: 'gitlab-feed-token', group: 'vcs-ci', vendor: 'GitLab', noun: 'feed token',
    docs: 'https://docs.gitlab.com/security/tokens/#feed-token',
    names: ['GITLAB_FEED_TOKEN'], selfId: true, count: 3,
    make: (r) => t(r, 'glft-{{base64url:20}}'),
  },
  {
    label: 'atlassian-api-token', group: 'vcs-ci', vendor: 'Atlassian', noun: 'API token',
    docs: 'https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/',
    names: ['JIRA_API_TOKEN', 'CONFLUENCE_API_TOKEN', 'ATLASSIAN_API_TOKEN'], selfId: true, user: email,
    make: (r) => whole('ATATT3xFfGF0' + r.str('base64url', 170 + r.int(0, 10)) + '=' + r.str('HEX', 8)),
  },
  {
    label: 'bitbucket-app-password', group: 'vcs-ci', vendor: 'Bitbucket', noun: 'app password',
    docs: 'https://support.atlassian.com/bitbucket-cloud/docs/app-passwords/',
    names: ['BITBUCKET_APP_PASSWORD', 'BB_APP_PASSWORD'], selfId: true, user: (r) => r.pick(['acme-ci', 'jdoe']),
    make: (r) => t(r, 'ATBB{{alnum:32}}'),
  },
  {
    label: 'jira-datacenter-pat', group: 'vcs-ci', vendor: 'Jira Data Center', noun: 'personal access token',
    docs: 'https://confluence.atlassian.com/enterprise/using-personal-access-tokens-1026032365.html',
    names: ['JIRA_PAT', 'JIRA_PERSONAL_TOKEN'], selfId: false, count: 4,
    make: (r) => whole(b64(`${r.str('digits', 12)}:${r.str('alnum', 20)}`).slice(0, 44)),
  },
  {
    label: 'circleci-personal-token', group: 'vcs-ci', vendor: 'CircleCI', noun: 'personal API token',
    docs: 'https://circleci.com/docs/managing-api-tokens/',
    names: ['CIRCLECI_TOKEN', 'CIRCLE_TOKEN'], selfId: true, count: 4,
    make: (r) => t(r, 'CCIPAT_{{alnum:22}}_{{hex:40}}'),
  },
  {
    label: 'travis-api-token', group: 'vcs-ci', vendor: 'Travis CI', noun: 'API token',
    docs: 'https://developer.travis-ci.com/authentication',
    names: ['TRAVIS_API_TOKEN', 'TRAVIS_TOKEN'], selfId: false, count: 4,
    make: (r) => t(r, '{{base64url:22}}'),
  },
  {
    label: 'buildkite-api-token', group: 'vcs-ci', vendor: 'Buildkite', noun: 'API access token',
    docs: 'https://buildkite.com/docs/apis/managing-api-tokens',
    names: ['BUILDKITE_API_TOKEN', 'BUILDKITE_TOKEN'], selfId: true, count: 4,
    make: (r) => t(r, 'bkua_{{hex:40}}'),
  },
  {
    label: 'jenkins-api-token', group: 'vcs-ci', vendor: 'Jenkins', noun: 'API token',
    docs: 'https://www.jenkins.io/doc/book/using/remote-access-api/',
    names: ['JENKINS_API_TOKEN', 'JENKINS_TOKEN'], selfId: false, count: 4, user: (r) => r.pick(['admin-bot', 'release']),
    make: (r) => t(r, '11{{hex:32}}'),
  },
  {
    label: 'sonarqube-token', group: 'vcs-ci', vendor: 'SonarQube', noun: 'user token',
    docs: 'https://docs.sonarsource.com/sonarqube-server/latest/user-guide/managing-tokens/',
    names: ['SONAR_TOKEN', 'SONARQUBE_TOKEN'], selfId: true,
    make: (r) => t(r, `${r.pick(['squ', 'sqp', 'sqa'])}_{{hex:40}}`),
  },
  {
    label: 'snyk-token', group: 'vcs-ci', vendor: 'Snyk', noun: 'API token',
    docs: 'https://docs.snyk.io/snyk-api/authentication-for-api',
    names: ['SNYK_TOKEN'], selfId: false, count: 4,
    make: (r) => whole(uuid(r)),
  },
  {
    label: 'postman-api-key', group: 'vcs-ci', vendor: 'Postman', noun: 'API key',
    docs: 'https://learning.postman.com/docs/developer/postman-api/authentication/',
    names: ['POSTMAN_API_KEY'], selfId: true, count: 4,
    make: (r) => t(r, 'PMAK-{{hex:24}}-{{hex:34}}'),
  },

  // ------------------------------------------------------------------ package registries
  {
    label: 'npm-access-token', group: 'registry', vendor: 'npm', noun: 'access token',
    docs: 'https://docs.npmjs.com/about-access-tokens',
    names: ['NPM_TOKEN', 'NODE_AUTH_TOKEN', 'NPM_AUTH_TOKEN'], selfId: true,
    make: (r) => whole(checksummed('npm_', r)), exact: { prefix: 'npm_', cls: 'alnum', len: 36 },
  },
  {
    label: 'npm-legacy-token', group: 'registry', vendor: 'npm', noun: 'legacy auth token',
    docs: 'https://docs.npmjs.com/cli/v10/configuring-npm/npmrc#auth-related-configuration',
    names: ['NPM_TOKEN'], selfId: false, count: 3,
    make: (r) => whole(uuid(r)), only: ['npmrc/registry-token', 'gha/env', 'env/plain'],
  },
  {
    label: 'pypi-token', group: 'registry', vendor: 'PyPI', noun: 'API token',
    docs: 'https://pypi.org/help/#apitoken',
    names: ['PYPI_TOKEN', 'TWINE_PASSWORD', 'PYPI_API_TOKEN'], selfId: true, user: () => '__token__',
    make: (r) => whole('pypi-AgEIcHlwaS5vcmc' + r.str('base64url', r.int(150, 190))),
  },
  {
    label: 'rubygems-api-key', group: 'registry', vendor: 'RubyGems', noun: 'API key',
    docs: 'https://guides.rubygems.org/api-key-scopes/',
    names: ['GEM_HOST_API_KEY', 'RUBYGEMS_API_KEY'], selfId: true,
    make: (r) => t(r, 'rubygems_{{hex:48}}'), exact: { prefix: 'rubygems_', cls: 'hex', len: 48 },
  },
  {
    label: 'nuget-api-key', group: 'registry', vendor: 'NuGet', noun: 'API key',
    docs: 'https://learn.microsoft.com/nuget/nuget-org/scoped-api-keys',
    names: ['NUGET_API_KEY', 'NUGET_KEY'], selfId: true,
    make: (r) => t(r, 'oy2{{loweralnum:43}}'),
  },
  {
    label: 'nuget-feed-password', group: 'registry', vendor: 'NuGet', noun: 'package source password',
    docs: 'https://learn.microsoft.com/nuget/reference/nuget-config-file#packagesourcecredentials',
    names: ['NUGET_FEED_PASSWORD'], selfId: false, count: 4,
    make: (r) => whole(password(r, { specials: r.chance(0.5) })), only: ['nuget/config', 'nuget/config-encrypted-looking'],
  },
  {
    label: 'dockerhub-pat', group: 'registry', vendor: 'Docker Hub', noun: 'personal access token',
    docs: 'https://docs.docker.com/security/for-developers/access-tokens/',
    names: ['DOCKERHUB_TOKEN', 'DOCKER_PASSWORD', 'DOCKERHUB_PAT'], selfId: true, user: (r) => r.pick(['acmebuild', 'nwdeploy']),
    make: (r) => t(r, 'dckr_pat_{{base64url:27}}'), exact: { prefix: 'dckr_pat_', cls: 'base64url', len: 27 },
  },
  {
    label: 'jfrog-api-key', group: 'registry', vendor: 'JFrog Artifactory', noun: 'API key',
    docs: 'https://jfrog.com/help/r/jfrog-platform-administration-documentation/api-key',
    names: ['ARTIFACTORY_API_KEY', 'JFROG_API_KEY'], selfId: true, user: (r) => r.pick(['ci-publisher', 'jdoe']),
    make: (r) => t(r, 'AKCp{{alnum:69}}'),
  },
  {
    label: 'jfrog-reference-token', group: 'registry', vendor: 'JFrog', noun: 'reference token',
    docs: 'https://jfrog.com/help/r/jfrog-platform-administration-documentation/access-tokens',
    names: ['JFROG_ACCESS_TOKEN', 'ARTIFACTORY_ACCESS_TOKEN'], selfId: true, count: 4,
    make: (r) => whole(b64(`reftkn:01:${r.int(1700000000, 1800000000)}:${r.str('alnum', 27)}`).replace(/=+$/, '')),
  },
  {
    label: 'crates-io-token', group: 'registry', vendor: 'crates.io', noun: 'API token',
    docs: 'https://doc.rust-lang.org/cargo/reference/registry-authentication.html',
    names: ['CARGO_REGISTRY_TOKEN'], selfId: true, count: 4,
    make: (r) => t(r, 'cio{{alnum:32}}'),
  },
  {
    label: 'clojars-deploy-token', group: 'registry', vendor: 'Clojars', noun: 'deploy token',
    docs: 'https://github.com/clojars/clojars-web/wiki/Deploy-Tokens',
    names: ['CLOJARS_PASSWORD', 'CLOJARS_TOKEN'], selfId: true, count: 3,
    make: (r) => t(r, 'CLOJARS_{{hex:60}}'),
  },

  // ------------------------------------------------------------------ secrets managers and IaC
  {
    label: 'hashicorp-vault-service-token', group: 'secrets-iac', vendor: 'HashiCorp Vault', noun: 'service token',
    docs: 'https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes',
    names: ['VAULT_TOKEN'], selfId: true,
    make: (r) => whole('hvs.' + (r.chance(0.5) ? r.str('base64url', 24) : 'CAESI' + r.str('base64url', 86))),
  },
  {
    label: 'hashicorp-vault-batch-token', group: 'secrets-iac', vendor: 'HashiCorp Vault', noun: 'batch token',
    docs: 'https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes',
    names: ['VAULT_TOKEN'], selfId: true, count: 3,
    make: (r) => whole('hvb.AAAAAQ' + r.str('base64url', 130)),
  },
  {
    label: 'terraform-cloud-token', group: 'secrets-iac', vendor: 'HCP Terraform', noun: 'API token',
    docs: 'https://developer.hashicorp.com/terraform/cloud-docs/users-teams-organizations/api-tokens',
    names: ['TFE_TOKEN', 'TF_TOKEN_app_terraform_io', 'TF_API_TOKEN'], selfId: true,
    make: (r) => t(r, '{{alnum:14}}.atlasv1.{{alnum:67}}'),
  },
  {
    label: 'pulumi-access-token', group: 'secrets-iac', vendor: 'Pulumi', noun: 'access token',
    docs: 'https://www.pulumi.com/docs/pulumi-cloud/access-management/access-tokens/',
    names: ['PULUMI_ACCESS_TOKEN'], selfId: true,
    make: (r) => t(r, 'pul-{{hex:40}}'), exact: { prefix: 'pul-', cls: 'hex', len: 40 },
  },
  {
    label: 'doppler-personal-token', group: 'secrets-iac', vendor: 'Doppler', noun: 'personal token',
    docs: 'https://docs.doppler.com/reference/api#authentication',
    names: ['DOPPLER_TOKEN'], selfId: true, count: 4,
    make: (r) => t(r, 'dp.pt.{{alnum:43}}'),
  },
  {
    label: 'doppler-service-token', group: 'secrets-iac', vendor: 'Doppler', noun: 'service token',
    docs: 'https://docs.doppler.com/docs/service-tokens',
    names: ['DOPPLER_TOKEN', 'DOPPLER_SERVICE_TOKEN'], selfId: true,
    make: (r) => t(r, `dp.st.${r.pick(['', 'prd.', 'dev.', 'stg.'])}{{alnum:43}}`),
  },
  {
    label: 'doppler-service-account-token', group: 'secrets-iac', vendor: 'Doppler', noun: 'service account token',
    docs: 'https://docs.doppler.com/docs/service-accounts',
    names: ['DOPPLER_TOKEN'], selfId: true, count: 3,
    make: (r) => t(r, 'dp.sa.{{alnum:43}}'),
  },
  {
    label: 'onepassword-service-account-token', group: 'secrets-iac', vendor: '1Password', noun: 'service account token',
    docs: 'https://developer.1password.com/docs/service-accounts/',
    names: ['OP_SERVICE_ACCOUNT_TOKEN'], selfId: true,
    make: (r) => whole(onePassword(r)),
  },
  {
    label: 'onepassword-connect-token', group: 'secrets-iac', vendor: '1Password Connect', noun: 'access token',
    docs: 'https://developer.1password.com/docs/connect/manage-connect/',
    names: ['OP_CONNECT_TOKEN'], selfId: false, count: 3,
    make: (r) => whole(jwt(r, { aud: ['com.1password.connect'], iss: 'com.1password.b5', sub: r.str('upperalnum', 26), iat: r.int(1.7e9, 1.75e9), 'x-1p': { t: r.str('lower', 26), v: [{ a: 48, u: r.str('lower', 26) }] } }, 'RS256' as const)),
  },
  {
    label: 'age-secret-key', group: 'secrets-iac', vendor: 'age', noun: 'identity (secret key)',
    docs: 'https://age-encryption.org/v1',
    names: ['SOPS_AGE_KEY', 'AGE_SECRET_KEY'], selfId: true,
    make: (r) => whole(bech32('AGE-SECRET-KEY-', Array.from({ length: 32 }, () => r.int(0, 255))).toUpperCase()),
    exact: { prefix: 'AGE-SECRET-KEY-1', cls: 'bech32', len: 58 },
  },

  // ------------------------------------------------------------------ hosting
  {
    label: 'heroku-api-key', group: 'cloud', vendor: 'Heroku', noun: 'API key',
    docs: 'https://devcenter.heroku.com/articles/platform-api-quickstart#authentication',
    names: ['HEROKU_API_KEY', 'HEROKU_AUTH_TOKEN'], selfId: false, user: email,
    make: (r) => whole(uuid(r)),
  },
  {
    label: 'vercel-token', group: 'cloud', vendor: 'Vercel', noun: 'access token',
    docs: 'https://vercel.com/docs/rest-api/reference/welcome#creating-an-access-token',
    names: ['VERCEL_TOKEN', 'VERCEL_API_TOKEN'], selfId: false, count: 4,
    make: (r) => whole(randomKey(r, 24)),
  },
  {
    label: 'netlify-pat', group: 'cloud', vendor: 'Netlify', noun: 'personal access token',
    docs: 'https://docs.netlify.com/api/get-started/#authentication',
    names: ['NETLIFY_AUTH_TOKEN'], selfId: true, count: 4,
    make: (r) => t(r, 'nfp_{{alnum:36}}'),
  },
  {
    label: 'flyio-token', group: 'cloud', vendor: 'Fly.io', noun: 'API token',
    docs: 'https://fly.io/docs/security/tokens/',
    names: ['FLY_API_TOKEN', 'FLY_ACCESS_TOKEN'], selfId: true, count: 4,
    make: (r) => around('FlyV1 ', 'fm2_' + r.str('base64', 300 + r.int(0, 100)) + ',fm2_' + r.str('base64', 150)),
  },
  {
    label: 'render-api-key', group: 'cloud', vendor: 'Render', noun: 'API key',
    docs: 'https://render.com/docs/api#1-create-an-api-key',
    names: ['RENDER_API_KEY'], selfId: true, count: 3,
    make: (r) => t(r, 'rnd_{{alnum:32}}'),
  },

  // ------------------------------------------------------------------ messaging
  {
    label: 'slack-bot-token', group: 'messaging', vendor: 'Slack', noun: 'bot token',
    docs: 'https://api.slack.com/authentication/token-types#bot',
    names: ['SLACK_BOT_TOKEN', 'SLACK_TOKEN'], selfId: true,
    make: (r) => whole(`xoxb-${digits(r, 10, 13)}-${digits(r, 10, 13)}-${r.str('alnum', 24)}`),
  },
  {
    label: 'slack-user-token', group: 'messaging', vendor: 'Slack', noun: 'user token',
    docs: 'https://api.slack.com/authentication/token-types#user',
    names: ['SLACK_USER_TOKEN', 'SLACK_TOKEN'], selfId: true,
    make: (r) => whole(`xoxp-${digits(r, 10, 13)}-${digits(r, 10, 13)}-${digits(r, 12, 13)}-${r.str('hex', 32)}`),
  },
  {
    label: 'slack-app-token', group: 'messaging', vendor: 'Slack', noun: 'app-level token',
    docs: 'https://api.slack.com/authentication/token-types#app-level',
    names: ['SLACK_APP_TOKEN'], selfId: true,
    make: (r) => whole(`xapp-1-A${r.str('upperalnum', 10)}-${digits(r, 13, 13)}-${r.str('hex', 64)}`),
  },
  {
    label: 'slack-config-refresh-token', group: 'messaging', vendor: 'Slack', noun: 'configuration refresh token',
    docs: 'https://api.slack.com/authentication/config-tokens',
    names: ['SLACK_CONFIG_REFRESH_TOKEN'], selfId: true, count: 3,
    make: (r) => whole(`xoxe-1-${r.str('alnum', 146)}`),
  },
  {
    label: 'slack-webhook-url', group: 'messaging', vendor: 'Slack', noun: 'incoming webhook URL',
    docs: 'https://api.slack.com/messaging/webhooks',
    names: ['SLACK_WEBHOOK_URL', 'SLACK_WEBHOOK'], selfId: true,
    make: (r) => whole(`https://hooks.slack.com/services/T${r.str('upperalnum', r.int(8, 10))}/B${r.str('upperalnum', r.int(8, 10))}/${r.str('alnum', 24)}`),
  },
  {
    label: 'discord-bot-token', group: 'messaging', vendor: 'Discord', noun: 'bot token',
    docs: 'https://discord.com/developers/docs/reference#authentication',
    names: ['DISCORD_TOKEN', 'DISCORD_BOT_TOKEN'], selfId: true,
    make: (r) => whole(`${b64(digits(r, 18, 19)).replace(/=+$/, '')}.${r.str('base64url', 6)}.${r.str('base64url', 38)}`),
  },
  {
    label: 'discord-webhook-url', group: 'messaging', vendor: 'Discord', noun: 'webhook URL',
    docs: 'https://discord.com/developers/docs/resources/webhook#execute-webhook',
    names: ['DISCORD_WEBHOOK_URL', 'DISCORD_WEBHOOK'], selfId: true,
    make: (r) => whole(`https://discord.com/api/webhooks/${digits(r, 18, 19)}/${r.str('base64url', 68)}`),
  },
  {
    label: 'discord-client-secret', group: 'messaging', vendor: 'Discord', noun: 'OAuth2 client secret',
    docs: 'https://discord.com/developers/docs/topics/oauth2',
    names: ['DISCORD_CLIENT_SECRET'], selfId: false, count: 4,
    make: (r) => t(r, '{{base64url:32}}'),
  },
  {
    label: 'telegram-bot-token', group: 'messaging', vendor: 'Telegram', noun: 'bot token',
    docs: 'https://core.telegram.org/bots/api#authorizing-your-bot',
    names: ['TELEGRAM_BOT_TOKEN', 'TG_BOT_TOKEN', 'BOT_TOKEN'], selfId: true,
    make: (r) => whole(`${digits(r, 9, 10)}:AA${r.str('base64url', 33)}`),
  },
  {
    label: 'twilio-auth-token', group: 'messaging', vendor: 'Twilio', noun: 'auth token',
    docs: 'https://www.twilio.com/docs/iam/credentials/api',
    names: ['TWILIO_AUTH_TOKEN'], selfId: false, user: (r) => r.t('AC{{hex:32}}'),
    make: (r) => t(r, '{{hex:32}}'),
  },
  {
    label: 'twilio-api-key-secret', group: 'messaging', vendor: 'Twilio', noun: 'API key secret',
    docs: 'https://www.twilio.com/docs/iam/api-keys',
    names: ['TWILIO_API_SECRET', 'TWILIO_API_KEY_SECRET'], selfId: false, count: 4, user: (r) => r.t('SK{{hex:32}}'),
    make: (r) => whole(randomKey(r, 32)),
  },
  {
    label: 'sendgrid-api-key', group: 'messaging', vendor: 'SendGrid', noun: 'API key',
    docs: 'https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys',
    names: ['SENDGRID_API_KEY', 'SMTP_PASSWORD'], selfId: true, user: () => 'apikey',
    make: (r) => t(r, 'SG.{{base64url:22}}.{{base64url:43}}'),
  },
  {
    label: 'mailgun-api-key', group: 'messaging', vendor: 'Mailgun', noun: 'private API key',
    docs: 'https://documentation.mailgun.com/docs/mailgun/api-reference/authentication/',
    names: ['MAILGUN_API_KEY'], selfId: false, user: () => 'api',
    make: (r) => t(r, '{{hex:32}}-{{hex:8}}-{{hex:8}}'),
  },
  {
    label: 'mailgun-legacy-key', group: 'messaging', vendor: 'Mailgun', noun: 'legacy API key',
    docs: 'https://documentation.mailgun.com/docs/mailgun/api-reference/authentication/',
    names: ['MAILGUN_API_KEY', 'MAILGUN_KEY'], selfId: true, count: 3, user: () => 'api',
    make: (r) => t(r, 'key-{{hex:32}}'),
  },
  {
    label: 'mailchimp-api-key', group: 'messaging', vendor: 'Mailchimp', noun: 'API key',
    docs: 'https://mailchimp.com/developer/marketing/guides/quick-start/#generate-your-api-key',
    names: ['MAILCHIMP_API_KEY'], selfId: true,
    make: (r) => t(r, `{{hex:32}}-us${r.int(1, 21)}`),
  },
  {
    label: 'postmark-server-token', group: 'messaging', vendor: 'Postmark', noun: 'server API token',
    docs: 'https://postmarkapp.com/developer/api/overview#authentication',
    names: ['POSTMARK_SERVER_TOKEN', 'POSTMARK_API_TOKEN'], selfId: false, count: 4,
    make: (r) => whole(uuid(r)),
  },
  {
    label: 'resend-api-key', group: 'messaging', vendor: 'Resend', noun: 'API key',
    docs: 'https://resend.com/docs/dashboard/api-keys/introduction',
    names: ['RESEND_API_KEY'], selfId: true, count: 4,
    make: (r) => t(r, 're_{{alnum:8}}_{{alnum:24}}'),
  },
  {
    label: 'brevo-api-key', group: 'messaging', vendor: 'Brevo', noun: 'API key',
    docs: 'https://developers.brevo.com/docs/getting-started',
    names: ['BREVO_API_KEY', 'SENDINBLUE_API_KEY'], selfId: true, count: 4,
    make: (r) => t(r, 'xkeysib-{{hex:64}}-{{alnum:16}}'),
  },
  {
    label: 'vonage-api-secret', group: 'messaging', vendor: 'Vonage', noun: 'API secret',
    docs: 'https://developer.vonage.com/en/getting-started/concepts/authentication',
    names: ['VONAGE_API_SECRET', 'NEXMO_API_SECRET'], selfId: false, count: 3,
    make: (r) => whole(randomKey(r, 16)),
  },
  {
    label: 'telnyx-api-key', group: 'messaging', vendor: 'Telnyx', noun: 'API key',
    docs: 'https://developers.telnyx.com/docs/overview#authentication',
    names: ['TELNYX_API_KEY'], selfId: true, count: 3,
    make: (r) => t(r, 'KEY{{HEX:32}}_{{alnum:22}}'),
  },
  {
    label: 'teams-webhook-url', group: 'messaging', vendor: 'Microsoft Teams', noun: 'incoming webhook URL',
    docs: 'https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook',
    names: ['TEAMS_WEBHOOK_URL'], selfId: true, count: 4,
    make: (r) => whole(`https://${r.pick(['acmecorp', 'northwind'])}.webhook.office.com/webhookb2/${uuid(r)}@${uuid(r)}/IncomingWebhook/${r.str('hex', 32)}/${uuid(r)}`),
  },

  // ------------------------------------------------------------------ SaaS
  {
    label: 'shopify-admin-token', group: 'saas', vendor: 'Shopify', noun: 'Admin API access token',
    docs: 'https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/generate-app-access-tokens-admin',
    names: ['SHOPIFY_ACCESS_TOKEN', 'SHOPIFY_ADMIN_API_TOKEN'], selfId: true,
    make: (r) => t(r, 'shpat_{{hex:32}}'), exact: { prefix: 'shpat_', cls: 'hex', len: 32 },
  },
  {
    label: 'shopify-custom-app-token', group: 'saas', vendor: 'Shopify', noun: 'custom app access token',
    docs: 'https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/generate-app-access-tokens-admin',
    names: ['SHOPIFY_CUSTOM_APP_TOKEN'], selfId: true, count: 4,
    make: (r) => t(r, 'shpca_{{hex:32}}'),
  },
  {
    label: 'shopify-private-app-password', group: 'saas', vendor: 'Shopify', noun: 'private app password',
    docs: 'https://shopify.dev/docs/apps/build/authentication-authorization',
    names: ['SHOPIFY_PASSWORD', 'SHOPIFY_PRIVATE_APP_PASSWORD'], selfId: true, count: 4,
    make: (r) => t(r, 'shppa_{{hex:32}}'),
  },
  {
    label: 'shopify-shared-secret', group: 'saas', vendor: 'Shopify', noun: 'app shared secret',
    docs: 'https://shopify.dev/docs/apps/build/authentication-authorization/client-secrets',
    names: ['SHOPIFY_API_SECRET', 'SHOPIFY_SHARED_SECRET'], selfId: true,
    make: (r) => whole('shpss_' + r.str(r.chance(0.5) ? 'hex' : 'alnum', 32)),
  },
  {
    label: 'asana-pat', group: 'saas', vendor: 'Asana', noun: 'personal access token',
    docs: 'https://developers.asana.com/docs/personal-access-token',
    names: ['ASANA_ACCESS_TOKEN', 'ASANA_PAT'], selfId: true,
    make: (r) => whole(r.chance(0.6) ? `2/${r.str('digits', 16)}/${r.str('digits', 16)}:${r.str('hex', 32)}` : `1/${r.str('digits', 16)}:${r.str('hex', 32)}`),
  },
  {
    label: 'linear-api-key', group: 'saas', vendor: 'Linear', noun: 'personal API key',
    docs: 'https://linear.app/developers/graphql#personal-api-keys',
    names: ['LINEAR_API_KEY'], selfId: true,
    make: (r) => t(r, 'lin_api_{{alnum:40}}'), exact: { prefix: 'lin_api_', cls: 'alnum', len: 40 },
  },
  {
    label: 'notion-integration-token', group: 'saas', vendor: 'Notion', noun: 'integration token',
    docs: 'https://developers.notion.com/docs/authorization',
    names: ['NOTION_TOKEN', 'NOTION_API_KEY'], selfId: true,
    make: (r) => whole(r.chance(0.5) ? `ntn_${r.str('digits', 11)}${r.str('alnum', 35)}` : `secret_${r.str('alnum', 43)}`),
  },
  {
    label: 'airtable-pat', group: 'saas', vendor: 'Airtable', noun: 'personal access token',
    docs: 'https://airtable.com/developers/web/guides/personal-access-tokens',
    names: ['AIRTABLE_API_KEY', 'AIRTABLE_TOKEN'], selfId: true,
    make: (r) => t(r, 'pat{{alnum:14}}.{{hex:64}}'),
  },
  {
    label: 'hubspot-private-app-token', group: 'saas', vendor: 'HubSpot', noun: 'private app access token',
    docs: 'https://developers.hubspot.com/docs/api/private-apps',
    names: ['HUBSPOT_ACCESS_TOKEN', 'HUBSPOT_PRIVATE_APP_TOKEN'], selfId: true,
    make: (r) => whole(`pat-${r.pick(['na1', 'na2', 'eu1'])}-${uuid(r)}`),
  },
  {
    label: 'zendesk-api-token', group: 'saas', vendor: 'Zendesk', noun: 'API token',
    docs: 'https://developer.zendesk.com/api-reference/introduction/security-and-auth/',
    names: ['ZENDESK_API_TOKEN', 'ZENDESK_TOKEN'], selfId: false, count: 4, user: (r) => `${email(r)}/token`,
    make: (r) => whole(randomKey(r, 40)),
  },
  {
    label: 'intercom-access-token', group: 'saas', vendor: 'Intercom', noun: 'access token',
    docs: 'https://developers.intercom.com/docs/build-an-integration/learn-more/authentication',
    names: ['INTERCOM_ACCESS_TOKEN', 'INTERCOM_TOKEN'], selfId: false, count: 4,
    make: (r) => whole(b64(`tok:${uuid(r)}:${r.str('hex', 4)}:${r.int(0, 9)}:${r.str('alnum', 8)}`).replace(/=+$/, '') + '='),
  },
  {
    label: 'okta-api-token', group: 'saas', vendor: 'Okta', noun: 'API token',
    docs: 'https://developer.okta.com/docs/guides/create-an-api-token/main/',
    names: ['OKTA_API_TOKEN', 'OKTA_CLIENT_TOKEN'], selfId: false,
    make: (r) => t(r, '00{{base64url:40}}'),
  },
  {
    label: 'auth0-client-secret', group: 'saas', vendor: 'Auth0', noun: 'client secret',
    docs: 'https://auth0.com/docs/get-started/applications/application-settings',
    names: ['AUTH0_CLIENT_SECRET'], selfId: false,
    make: (r) => t(r, '{{base64url:64}}'),
  },
  {
    label: 'tailscale-auth-key', group: 'saas', vendor: 'Tailscale', noun: 'auth key',
    docs: 'https://tailscale.com/kb/1277/key-prefixes',
    names: ['TS_AUTHKEY', 'TAILSCALE_AUTHKEY', 'TAILSCALE_AUTH_KEY'], selfId: true,
    make: (r) => whole(`tskey-auth-k${r.str('alnum', r.int(6, 9))}CNTRL-${r.str('alnum', 33)}`),
  },
  {
    label: 'tailscale-api-token', group: 'saas', vendor: 'Tailscale', noun: 'API access token',
    docs: 'https://tailscale.com/kb/1277/key-prefixes',
    names: ['TAILSCALE_API_KEY', 'TS_API_KEY'], selfId: true, count: 4,
    make: (r) => whole(`tskey-api-k${r.str('alnum', r.int(6, 9))}CNTRL-${r.str('alnum', 33)}`),
  },
  {
    label: 'tailscale-oauth-client-secret', group: 'saas', vendor: 'Tailscale', noun: 'OAuth client secret',
    docs: 'https://tailscale.com/kb/1277/key-prefixes',
    names: ['TS_OAUTH_SECRET', 'TAILSCALE_OAUTH_CLIENT_SECRET'], selfId: true, count: 4,
    make: (r) => whole(`tskey-client-k${r.str('alnum', r.int(6, 9))}CNTRL-${r.str('alnum', 33)}`),
  },
  {
    label: 'sourcegraph-access-token', group: 'saas', vendor: 'Sourcegraph', noun: 'access token',
    docs: 'https://sourcegraph.com/docs/cli/how-tos/revoking_an_access_token',
    names: ['SRC_ACCESS_TOKEN', 'SOURCEGRAPH_TOKEN'], selfId: true,
    make: (r) => whole(r.chance(0.5) ? `sgp_${r.str('hex', 16)}_${r.str('hex', 40)}` : `sgp_${r.str('hex', 40)}`),
  },
  {
    label: 'meta-access-token', group: 'saas', vendor: 'Facebook', noun: 'page access token',
    docs: 'https://developers.facebook.com/docs/facebook-login/guides/access-tokens',
    names: ['FACEBOOK_ACCESS_TOKEN', 'FB_PAGE_ACCESS_TOKEN', 'META_ACCESS_TOKEN', 'WHATSAPP_TOKEN'], selfId: true,
    make: (r) => whole('EAA' + r.pick(['B', 'G', 'J', 'I']) + r.str('alnum', r.int(160, 200))),
  },
  {
    label: 'meta-app-secret', group: 'saas', vendor: 'Facebook', noun: 'app secret',
    docs: 'https://developers.facebook.com/docs/facebook-login/security#appsecret',
    names: ['FACEBOOK_APP_SECRET', 'FB_APP_SECRET', 'META_APP_SECRET'], selfId: false, count: 4,
    make: (r) => t(r, '{{hex:32}}'),
  },
  {
    label: 'launchdarkly-sdk-key', group: 'saas', vendor: 'LaunchDarkly', noun: 'SDK key',
    docs: 'https://launchdarkly.com/docs/sdk/concepts/client-side-server-side#keys',
    names: ['LAUNCHDARKLY_SDK_KEY', 'LD_SDK_KEY'], selfId: true,
    make: (r) => whole('sdk-' + uuid(r)),
  },
  {
    label: 'launchdarkly-api-token', group: 'saas', vendor: 'LaunchDarkly', noun: 'API access token',
    docs: 'https://launchdarkly.com/docs/home/account/api',
    names: ['LAUNCHDARKLY_ACCESS_TOKEN', 'LD_API_TOKEN'], selfId: true, count: 4,
    make: (r) => whole('api-' + uuid(r)),
  },
  {
    label: 'figma-pat', group: 'saas', vendor: 'Figma', noun: 'personal access token',
    docs: 'https://www.figma.com/developers/api#access-tokens',
    names: ['FIGMA_TOKEN', 'FIGMA_ACCESS_TOKEN'], selfId: true, count: 4,
    make: (r) => t(r, 'figd_{{base64url:40}}'),
  },
  {
    label: 'trello-token', group: 'saas', vendor: 'Trello', noun: 'API token',
    docs: 'https://developer.atlassian.com/cloud/trello/guides/rest-api/authorization/',
    names: ['TRELLO_TOKEN'], selfId: true, count: 3,
    make: (r) => t(r, 'ATTA{{hex:64}}{{HEX:8}}'),
  },
  {
    label: 'clickup-api-token', group: 'saas', vendor: 'ClickUp', noun: 'personal API token',
    docs: 'https://developer.clickup.com/docs/authentication',
    names: ['CLICKUP_API_TOKEN'], selfId: true, count: 3,
    make: (r) => whole(`pk_${r.str('digits', 8)}_${r.str('upperalnum', 32)}`),
  },
  {
    label: 'contentful-management-token', group: 'saas', vendor: 'Contentful', noun: 'personal access token',
    docs: 'https://www.contentful.com/developers/docs/references/authentication/',
    names: ['CONTENTFUL_MANAGEMENT_TOKEN', 'CONTENTFUL_CMA_TOKEN'], selfId: true, count: 4,
    make: (r) => t(r, 'CFPAT-{{base64url:43}}'),
  },
  {
    label: 'algolia-admin-key', group: 'saas', vendor: 'Algolia', noun: 'admin API key',
    docs: 'https://www.algolia.com/doc/guides/security/api-keys/',
    names: ['ALGOLIA_ADMIN_KEY', 'ALGOLIA_ADMIN_API_KEY', 'ALGOLIA_WRITE_API_KEY'], selfId: false,
    make: (r) => t(r, '{{hex:32}}'),
  },
  {
    label: 'twitch-client-secret', group: 'saas', vendor: 'Twitch', noun: 'client secret',
    docs: 'https://dev.twitch.tv/docs/authentication/register-app/',
    names: ['TWITCH_CLIENT_SECRET'], selfId: false, count: 4,
    make: (r) => t(r, '{{loweralnum:30}}'),
  },
  {
    label: 'twitch-chat-oauth-token', group: 'saas', vendor: 'Twitch', noun: 'chat OAuth token',
    docs: 'https://dev.twitch.tv/docs/chat/irc/#authenticating',
    names: ['TWITCH_OAUTH_TOKEN', 'TMI_PASSWORD'], selfId: true, count: 3,
    make: (r) => t(r, 'oauth:{{loweralnum:30}}'),
  },
  {
    label: 'dropbox-short-lived-token', group: 'saas', vendor: 'Dropbox', noun: 'short-lived access token',
    docs: 'https://developers.dropbox.com/oauth-guide',
    names: ['DROPBOX_ACCESS_TOKEN', 'DROPBOX_TOKEN'], selfId: true, count: 4,
    make: (r) => whole(`sl.${r.pick(['', 'u.'])}` + r.str('base64url', r.int(136, 150))),
  },
  {
    label: 'dropbox-long-lived-token', group: 'saas', vendor: 'Dropbox', noun: 'long-lived access token',
    docs: 'https://developers.dropbox.com/oauth-guide',
    names: ['DROPBOX_ACCESS_TOKEN'], selfId: false, count: 3,
    make: (r) => t(r, '{{alnum:11}}AAAAAAAAAA{{base64url:43}}'),
  },
  {
    label: 'box-client-secret', group: 'saas', vendor: 'Box', noun: 'client secret',
    docs: 'https://developer.box.com/guides/authentication/',
    names: ['BOX_CLIENT_SECRET'], selfId: false, count: 4,
    make: (r) => whole(randomKey(r, 32)),
  },
  {
    label: 'twitter-bearer-token', group: 'saas', vendor: 'X (Twitter)', noun: 'bearer token',
    docs: 'https://developer.x.com/en/docs/authentication/oauth-2-0/bearer-tokens',
    names: ['TWITTER_BEARER_TOKEN', 'X_BEARER_TOKEN'], selfId: true, count: 4,
    make: (r) => whole('AAAAAAAAAAAAAAAAAAAAA' + r.str('alnum', 10) + 'AAAAAA' + r.str('alnum', 20) + '%3D' + r.str('alnum', 50)),
  },
  {
    label: 'salesforce-access-token', group: 'saas', vendor: 'Salesforce', noun: 'access token',
    docs: 'https://help.salesforce.com/s/articleView?id=sf.remoteaccess_access_tokens.htm',
    names: ['SF_ACCESS_TOKEN', 'SALESFORCE_ACCESS_TOKEN'], selfId: true, count: 3,
    make: (r) => whole(`00D${r.str('alnum', 12)}!${r.str('alnum', 96)}`),
  },
  {
    label: 'lob-api-key', group: 'saas', vendor: 'Lob', noun: 'live secret API key',
    docs: 'https://docs.lob.com/#tag/Authentication',
    names: ['LOB_API_KEY', 'LOB_LIVE_KEY'], selfId: false, user: () => '',
    make: (r) => t(r, 'live_{{hex:35}}'),
  },
  {
    label: 'duffel-access-token', group: 'saas', vendor: 'Duffel', noun: 'access token',
    docs: 'https://duffel.com/docs/api/overview/making-requests/authentication',
    names: ['DUFFEL_ACCESS_TOKEN', 'DUFFEL_TOKEN'], selfId: true,
    make: (r) => t(r, `duffel_${r.pick(['live', 'live', 'test'])}_{{base64url:43}}`),
  },
  {
    label: 'mapbox-secret-token', group: 'saas', vendor: 'Mapbox', noun: 'secret access token',
    docs: 'https://docs.mapbox.com/accounts/guides/tokens/',
    names: ['MAPBOX_SECRET_TOKEN', 'MAPBOX_DOWNLOADS_TOKEN'], selfId: true,
    make: (r) => whole(`sk.${b64url(JSON.stringify({ u: r.pick(['acme-maps', 'nw-fleet', 'jdoe']), a: r.str('loweralnum', 25) }))}.${r.str('base64url', 22)}`),
  },
  {
    label: 'flutterwave-secret-key', group: 'payments', vendor: 'Flutterwave', noun: 'secret key',
    docs: 'https://developer.flutterwave.com/docs/authentication',
    names: ['FLW_SECRET_KEY', 'FLUTTERWAVE_SECRET_KEY'], selfId: true,
    make: (r) => t(r, `FLWSECK${r.pick(['', '_TEST'])}-{{hex:32}}-X`),
  },
  {
    label: 'flutterwave-encryption-key', group: 'payments', vendor: 'Flutterwave', noun: 'encryption key',
    docs: 'https://developer.flutterwave.com/docs/authentication',
    names: ['FLW_ENCRYPTION_KEY'], selfId: true, count: 3,
    make: (r) => t(r, `FLWSECK${r.pick(['', '_TEST'])}{{hex:12}}`),
  },
  {
    label: 'sidekiq-enterprise-credentials', group: 'saas', vendor: 'Sidekiq', noun: 'Pro/Enterprise gem server credentials',
    docs: 'https://devcenter.heroku.com/articles/bundler-configuration#gem-source-username-and-password',
    names: ['BUNDLE_ENTERPRISE__CONTRIBSYS__COM', 'BUNDLE_GEMS__CONTRIBSYS__COM'], selfId: false,
    make: (r) => t(r, '{{hex:8}}:{{hex:8}}'),
  },
  {
    label: 'typeform-pat', group: 'saas', vendor: 'Typeform', noun: 'personal access token',
    docs: 'https://www.typeform.com/developers/get-started/personal-access-token/',
    names: ['TYPEFORM_TOKEN'], selfId: true, count: 3,
    make: (r) => t(r, 'tfp_{{base64url:44}}_{{base64url:14}}'),
  },
  {
    label: 'shippo-api-token', group: 'saas', vendor: 'Shippo', noun: 'live API token',
    docs: 'https://docs.goshippo.com/docs/guides_general/authentication/',
    names: ['SHIPPO_API_TOKEN', 'SHIPPO_TOKEN'], selfId: true, count: 3,
    make: (r) => t(r, 'shippo_live_{{hex:40}}'),
  },
  {
    label: 'easypost-api-key', group: 'saas', vendor: 'EasyPost', noun: 'production API key',
    docs: 'https://docs.easypost.com/docs/authentication',
    names: ['EASYPOST_API_KEY'], selfId: true, count: 3,
    make: (r) => t(r, 'EZAK{{alnum:54}}'),
  },
  {
    label: 'cloudinary-url', group: 'saas', vendor: 'Cloudinary', noun: 'API secret (CLOUDINARY_URL)',
    docs: 'https://cloudinary.com/documentation/how_to_integrate_cloudinary#cloudinary_url',
    names: ['CLOUDINARY_URL'], selfId: true, count: 4,
    make: (r) => around(`cloudinary://${r.str('digits', 15)}:`, r.str('base64url', 27), `@${r.pick(['acme-media', 'nwcdn'])}`),
  },
  {
    label: 'plaid-access-token', group: 'payments', vendor: 'Plaid', noun: 'access token',
    docs: 'https://plaid.com/docs/api/tokens/',
    names: ['PLAID_ACCESS_TOKEN'], selfId: true, count: 3,
    make: (r) => whole(`access-production-${uuid(r)}`),
  },
  {
    label: 'woocommerce-consumer-secret', group: 'payments', vendor: 'WooCommerce', noun: 'REST API consumer secret',
    docs: 'https://woocommerce.github.io/woocommerce-rest-api-docs/#authentication',
    names: ['WC_CONSUMER_SECRET', 'WOOCOMMERCE_CONSUMER_SECRET'], selfId: true, count: 4, user: (r) => r.t('ck_{{hex:40}}'),
    make: (r) => t(r, 'cs_{{hex:40}}'),
  },
  {
    label: 'adafruit-io-key', group: 'saas', vendor: 'Adafruit IO', noun: 'key',
    docs: 'https://io.adafruit.com/api/docs/#authentication',
    names: ['ADAFRUIT_IO_KEY', 'AIO_KEY'], selfId: true, count: 3,
    make: (r) => t(r, 'aio_{{alnum:28}}'),
  },
  {
    label: 'prefect-api-key', group: 'saas', vendor: 'Prefect Cloud', noun: 'API key',
    docs: 'https://docs.prefect.io/v3/manage/cloud/manage-users/api-keys',
    names: ['PREFECT_API_KEY'], selfId: true, count: 3,
    make: (r) => t(r, 'pnu_{{alnum:36}}'),
  },
  {
    label: 'readme-api-key', group: 'saas', vendor: 'ReadMe', noun: 'API key',
    docs: 'https://docs.readme.com/main/reference/intro/authentication',
    names: ['README_API_KEY', 'RDME_API_KEY'], selfId: true, count: 3,
    make: (r) => t(r, 'rdme_{{hex:70}}'),
  },

  // ------------------------------------------------------------------ payments
  {
    label: 'stripe-live-secret-key', group: 'payments', vendor: 'Stripe', noun: 'live secret key',
    docs: 'https://docs.stripe.com/keys',
    names: ['STRIPE_SECRET_KEY', 'STRIPE_API_KEY', 'STRIPE_KEY'], selfId: true, user: () => '',
    make: (r) => whole('sk_live_' + (r.chance(0.5) ? r.str('alnum', 24) : '51' + r.str('alnum', 97))),
  },
  {
    label: 'stripe-restricted-key', group: 'payments', vendor: 'Stripe', noun: 'restricted key',
    docs: 'https://docs.stripe.com/keys#create-restricted-api-secret-key',
    names: ['STRIPE_RESTRICTED_KEY', 'STRIPE_SECRET_KEY'], selfId: true,
    make: (r) => whole('rk_live_' + (r.chance(0.5) ? r.str('alnum', 24) : '51' + r.str('alnum', 97))),
  },
  {
    label: 'stripe-test-secret-key', group: 'payments', vendor: 'Stripe', noun: 'test secret key',
    docs: 'https://docs.stripe.com/keys#obtain-api-keys',
    names: ['STRIPE_SECRET_KEY', 'STRIPE_TEST_SECRET_KEY'], selfId: true, count: 4,
    make: (r) => whole('sk_test_' + (r.chance(0.5) ? r.str('alnum', 24) : '51' + r.str('alnum', 97))),
  },
  {
    label: 'stripe-webhook-secret', group: 'payments', vendor: 'Stripe', noun: 'webhook signing secret',
    docs: 'https://docs.stripe.com/webhooks#verify-official-libraries',
    names: ['STRIPE_WEBHOOK_SECRET', 'STRIPE_ENDPOINT_SECRET'], selfId: true,
    make: (r) => t(r, 'whsec_{{alnum:32}}'),
  },
  {
    label: 'square-access-token', group: 'payments', vendor: 'Square', noun: 'production access token',
    docs: 'https://developer.squareup.com/docs/build-basics/access-tokens',
    names: ['SQUARE_ACCESS_TOKEN'], selfId: true,
    make: (r) => whole(r.chance(0.7) ? 'EAAA' + r.str('base64url', 60) : 'sq0atp-' + r.str('base64url', 22)),
  },
  {
    label: 'square-oauth-secret', group: 'payments', vendor: 'Square', noun: 'OAuth application secret',
    docs: 'https://developer.squareup.com/docs/oauth-api/overview',
    names: ['SQUARE_APPLICATION_SECRET', 'SQUARE_OAUTH_SECRET'], selfId: true, count: 4,
    make: (r) => t(r, 'sq0csp-{{base64url:43}}'),
  },
  {
    label: 'paypal-client-secret', group: 'payments', vendor: 'PayPal', noun: 'REST client secret',
    docs: 'https://developer.paypal.com/api/rest/#link-getclientidandclientsecret',
    names: ['PAYPAL_CLIENT_SECRET', 'PAYPAL_SECRET'], selfId: false,
    make: (r) => t(r, 'E{{base64url:79}}'),
  },
  {
    label: 'braintree-access-token', group: 'payments', vendor: 'Braintree', noun: 'access token',
    docs: 'https://developer.paypal.com/braintree/docs/guides/authorization/overview',
    names: ['BRAINTREE_ACCESS_TOKEN', 'PAYPAL_ACCESS_TOKEN'], selfId: true,
    make: (r) => whole(`access_token$production$${r.str('loweralnum', 16)}$${r.str('hex', 32)}`),
  },
  {
    label: 'paystack-secret-key', group: 'payments', vendor: 'Paystack', noun: 'secret key',
    docs: 'https://paystack.com/docs/api/authentication/',
    names: ['PAYSTACK_SECRET_KEY'], selfId: true, count: 4,
    make: (r) => t(r, 'sk_live_{{hex:40}}'),
  },

  // ------------------------------------------------------------------ observability
  {
    label: 'datadog-api-key', group: 'observability', vendor: 'Datadog', noun: 'API key',
    docs: 'https://docs.datadoghq.com/account_management/api-app-keys/',
    names: ['DD_API_KEY', 'DATADOG_API_KEY'], selfId: false,
    make: (r) => t(r, '{{hex:32}}'),
  },
  {
    label: 'datadog-app-key', group: 'observability', vendor: 'Datadog', noun: 'application key',
    docs: 'https://docs.datadoghq.com/account_management/api-app-keys/',
    names: ['DD_APP_KEY', 'DATADOG_APP_KEY', 'DD_APPLICATION_KEY'], selfId: false,
    make: (r) => t(r, '{{hex:40}}'),
  },
  {
    label: 'newrelic-user-api-key', group: 'observability', vendor: 'New Relic', noun: 'user API key',
    docs: 'https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/',
    names: ['NEW_RELIC_API_KEY', 'NEWRELIC_API_KEY'], selfId: true,
    make: (r) => t(r, 'NRAK-{{upperalnum:27}}'),
  },
  {
    label: 'newrelic-license-key', group: 'observability', vendor: 'New Relic', noun: 'license key',
    docs: 'https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/#license-key',
    names: ['NEW_RELIC_LICENSE_KEY', 'NRIA_LICENSE_KEY'], selfId: false,
    make: (r) => whole(r.chance(0.6) ? r.str('hex', 36) + 'NRAL' : r.str('hex', 40)),
  },
  {
    label: 'newrelic-insert-key', group: 'observability', vendor: 'New Relic', noun: 'Insights insert key',
    docs: 'https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/#insights-insert-key',
    names: ['NEW_RELIC_INSERT_KEY'], selfId: true, count: 3,
    make: (r) => t(r, 'NRII-{{base64url:32}}'),
  },
  {
    label: 'sentry-org-token', group: 'observability', vendor: 'Sentry', noun: 'organization auth token',
    docs: 'https://docs.sentry.io/account/auth-tokens/',
    names: ['SENTRY_AUTH_TOKEN'], selfId: true,
    make: (r) => whole(`sntrys_${b64(JSON.stringify({ iat: r.int(1.7e9, 1.75e9) + 0.5, url: 'https://sentry.io', region_url: 'https://us.sentry.io', org: r.pick(['acme', 'northwind']) })).replace(/=+$/, '')}_${r.str('base64url', 43)}`),
  },
  {
    label: 'sentry-user-token', group: 'observability', vendor: 'Sentry', noun: 'user auth token',
    docs: 'https://docs.sentry.io/account/auth-tokens/#user-auth-tokens',
    names: ['SENTRY_AUTH_TOKEN', 'SENTRY_TOKEN'], selfId: true, count: 4,
    make: (r) => t(r, 'sntryu_{{hex:64}}'),
  },
  {
    label: 'grafana-service-account-token', group: 'observability', vendor: 'Grafana', noun: 'service account token',
    docs: 'https://grafana.com/docs/grafana/latest/administration/service-accounts/',
    names: ['GRAFANA_TOKEN', 'GRAFANA_SERVICE_ACCOUNT_TOKEN', 'GF_TOKEN'], selfId: true,
    make: (r) => t(r, 'glsa_{{alnum:32}}_{{hex:8}}'),
  },
  {
    label: 'grafana-cloud-token', group: 'observability', vendor: 'Grafana Cloud', noun: 'access policy token',
    docs: 'https://grafana.com/docs/grafana-cloud/security-and-account-management/authentication-and-permissions/access-policies/',
    names: ['GRAFANA_CLOUD_TOKEN', 'GRAFANA_CLOUD_API_KEY'], selfId: true, count: 4,
    make: (r) => whole('glc_' + b64(JSON.stringify({ o: String(r.int(100000, 999999)), n: `stack-${r.int(100000, 999999)}-hm-write-${r.pick(['prom', 'logs'])}`, k: r.str('alnum', 24), m: { r: r.pick(['prod-us-east-0', 'prod-eu-west-2']) } }))),
  },
  {
    label: 'grafana-api-key', group: 'observability', vendor: 'Grafana', noun: 'API key (legacy)',
    docs: 'https://grafana.com/docs/grafana/latest/administration/service-accounts/migrate-api-keys/',
    names: ['GRAFANA_API_KEY'], selfId: true, count: 3,
    make: (r) => whole(b64(JSON.stringify({ k: r.str('alnum', 32), n: r.pick(['ci', 'provisioner']), id: r.int(1, 9) }))),
  },
  {
    label: 'pagerduty-api-key', group: 'observability', vendor: 'PagerDuty', noun: 'REST API key',
    docs: 'https://support.pagerduty.com/main/docs/api-access-keys',
    names: ['PAGERDUTY_TOKEN', 'PAGERDUTY_API_KEY', 'PD_API_KEY'], selfId: false, count: 4,
    make: (r) => whole(r.pick(['u+', 'y_', '']) + r.str('base64url', 20).slice(0, 20)),
  },
  {
    label: 'pagerduty-routing-key', group: 'observability', vendor: 'PagerDuty', noun: 'integration (routing) key',
    docs: 'https://support.pagerduty.com/main/docs/services-and-integrations',
    names: ['PAGERDUTY_ROUTING_KEY', 'PAGERDUTY_INTEGRATION_KEY'], selfId: false, count: 3,
    make: (r) => t(r, '{{hex:32}}'),
  },
  {
    label: 'dynatrace-api-token', group: 'observability', vendor: 'Dynatrace', noun: 'API token',
    docs: 'https://docs.dynatrace.com/docs/manage/identity-access-management/access-tokens-and-oauth-clients/access-tokens',
    names: ['DT_API_TOKEN', 'DYNATRACE_API_TOKEN'], selfId: true, count: 4,
    make: (r) => t(r, 'dt0c01.{{upperalnum:24}}.{{upperalnum:64}}'),
  },
  {
    label: 'splunk-hec-token', group: 'observability', vendor: 'Splunk', noun: 'HTTP Event Collector token',
    docs: 'https://docs.splunk.com/Documentation/Splunk/latest/Data/UsetheHTTPEventCollector',
    names: ['SPLUNK_HEC_TOKEN', 'SPLUNK_TOKEN'], selfId: false, count: 4,
    make: (r) => whole(uuid(r).toUpperCase()),
  },

  // ------------------------------------------------------------------ AI
  {
    label: 'openai-project-key', group: 'ai', vendor: 'OpenAI', noun: 'project API key',
    docs: 'https://platform.openai.com/docs/api-reference/authentication',
    names: ['OPENAI_API_KEY'], selfId: true,
    make: (r) => whole(`sk-proj-${r.str('base64url', 74)}T3BlbkFJ${r.str('base64url', 74)}`),
  },
  {
    label: 'openai-legacy-key', group: 'ai', vendor: 'OpenAI', noun: 'API key (user key)',
    docs: 'https://platform.openai.com/docs/api-reference/authentication',
    names: ['OPENAI_API_KEY', 'OPENAI_KEY'], selfId: true,
    make: (r) => t(r, 'sk-{{alnum:20}}T3BlbkFJ{{alnum:20}}'),
  },
  {
    label: 'openai-service-account-key', group: 'ai', vendor: 'OpenAI', noun: 'service account key',
    docs: 'https://platform.openai.com/docs/api-reference/authentication',
    names: ['OPENAI_API_KEY'], selfId: true, count: 4,
    make: (r) => whole(`sk-svcacct-${r.str('base64url', 74)}T3BlbkFJ${r.str('base64url', 74)}`),
  },
  {
    label: 'openai-admin-key', group: 'ai', vendor: 'OpenAI', noun: 'admin key',
    docs: 'https://platform.openai.com/docs/api-reference/administration',
    names: ['OPENAI_ADMIN_KEY'], selfId: true, count: 3,
    make: (r) => whole(`sk-admin-${r.str('base64url', 58)}T3BlbkFJ${r.str('base64url', 58)}`),
  },
  {
    label: 'anthropic-api-key', group: 'ai', vendor: 'Anthropic', noun: 'API key',
    docs: 'https://docs.anthropic.com/en/api/getting-started',
    names: ['ANTHROPIC_API_KEY', 'CLAUDE_API_KEY'], selfId: true,
    make: (r) => t(r, 'sk-ant-api03-{{base64url:93}}AA'),
  },
  {
    label: 'anthropic-admin-key', group: 'ai', vendor: 'Anthropic', noun: 'Admin API key',
    docs: 'https://docs.anthropic.com/en/api/administration-api',
    names: ['ANTHROPIC_ADMIN_KEY'], selfId: true, count: 3,
    make: (r) => t(r, 'sk-ant-admin01-{{base64url:93}}AA'),
  },
  {
    label: 'huggingface-token', group: 'ai', vendor: 'Hugging Face', noun: 'user access token',
    docs: 'https://huggingface.co/docs/hub/security-tokens',
    names: ['HF_TOKEN', 'HUGGINGFACE_TOKEN', 'HUGGING_FACE_HUB_TOKEN'], selfId: true,
    make: (r) => whole('hf_' + r.str('alpha', 34)),
    exact: { prefix: 'hf_', cls: 'alpha', len: 34 },
  },
  {
    label: 'cohere-api-key', group: 'ai', vendor: 'Cohere', noun: 'API key',
    docs: 'https://docs.cohere.com/reference/about',
    names: ['COHERE_API_KEY', 'CO_API_KEY'], selfId: false, count: 4,
    make: (r) => whole(randomKey(r, 40)),
  },
  {
    label: 'replicate-api-token', group: 'ai', vendor: 'Replicate', noun: 'API token',
    docs: 'https://replicate.com/docs/reference/http#authentication',
    names: ['REPLICATE_API_TOKEN'], selfId: true,
    make: (r) => t(r, 'r8_{{alnum:37}}'),
  },
  {
    label: 'groq-api-key', group: 'ai', vendor: 'Groq', noun: 'API key',
    docs: 'https://console.groq.com/docs/quickstart',
    names: ['GROQ_API_KEY'], selfId: true,
    make: (r) => t(r, 'gsk_{{alnum:52}}'),
  },
  {
    label: 'perplexity-api-key', group: 'ai', vendor: 'Perplexity', noun: 'API key',
    docs: 'https://docs.perplexity.ai/guides/getting-started',
    names: ['PERPLEXITY_API_KEY', 'PPLX_API_KEY'], selfId: true,
    make: (r) => t(r, 'pplx-{{alnum:48}}'),
  },
  {
    label: 'mistral-api-key', group: 'ai', vendor: 'Mistral AI', noun: 'API key',
    docs: 'https://docs.mistral.ai/getting-started/quickstart/',
    names: ['MISTRAL_API_KEY'], selfId: false, count: 4,
    make: (r) => whole(randomKey(r, 32)),
  },
  {
    label: 'xai-api-key', group: 'ai', vendor: 'xAI', noun: 'API key',
    docs: 'https://docs.x.ai/docs/overview',
    names: ['XAI_API_KEY', 'GROK_API_KEY'], selfId: true, count: 4,
    make: (r) => t(r, 'xai-{{alnum:80}}'),
  },
  {
    label: 'openrouter-api-key', group: 'ai', vendor: 'OpenRouter', noun: 'API key',
    docs: 'https://openrouter.ai/docs/api-reference/authentication',
    names: ['OPENROUTER_API_KEY'], selfId: true, count: 4,
    make: (r) => t(r, 'sk-or-v1-{{hex:64}}'),
  },
  {
    label: 'elevenlabs-api-key', group: 'ai', vendor: 'ElevenLabs', noun: 'API key',
    docs: 'https://elevenlabs.io/docs/api-reference/authentication',
    names: ['ELEVENLABS_API_KEY', 'XI_API_KEY'], selfId: false, count: 4,
    make: (r) => t(r, 'sk_{{hex:48}}'),
  },
  {
    label: 'langsmith-api-key', group: 'ai', vendor: 'LangSmith', noun: 'API key',
    docs: 'https://docs.smith.langchain.com/administration/how_to_guides/organization_management/create_account_api_key',
    names: ['LANGSMITH_API_KEY', 'LANGCHAIN_API_KEY'], selfId: true, count: 4,
    make: (r) => t(r, `lsv2_${r.pick(['pt', 'sk'])}_{{hex:32}}_{{hex:10}}`),
  },
  {
    label: 'azure-openai-key', group: 'ai', vendor: 'Azure OpenAI', noun: 'API key',
    docs: 'https://learn.microsoft.com/azure/ai-services/openai/reference#authentication',
    names: ['AZURE_OPENAI_API_KEY', 'AZURE_OPENAI_KEY'], selfId: false, count: 4,
    make: (r) => t(r, '{{hex:32}}'),
  },
  {
    label: 'wandb-api-key', group: 'ai', vendor: 'Weights & Biases', noun: 'API key',
    docs: 'https://docs.wandb.ai/guides/track/environment-variables/',
    names: ['WANDB_API_KEY'], selfId: false, count: 3,
    make: (r) => t(r, '{{hex:40}}'),
  },

  // ------------------------------------------------------------------ data platforms
  {
    label: 'databricks-token', group: 'data', vendor: 'Databricks', noun: 'personal access token',
    docs: 'https://docs.databricks.com/en/dev-tools/auth/pat.html',
    names: ['DATABRICKS_TOKEN'], selfId: true,
    make: (r) => t(r, `dapi{{hex:32}}${r.pick(['', '', '-2', '-3'])}`),
  },
  {
    label: 'supabase-service-role-key', group: 'data', vendor: 'Supabase', noun: 'service_role key',
    docs: 'https://supabase.com/docs/guides/api/api-keys',
    names: ['SUPABASE_SERVICE_ROLE_KEY', 'SUPABASE_SERVICE_KEY'], selfId: false,
    make: (r) => whole(jwt(r, { iss: 'supabase', ref: r.str('lower', 20), role: 'service_role', iat: r.int(1.6e9, 1.7e9), exp: r.int(1.9e9, 2.0e9) })),
  },
  {
    label: 'supabase-pat', group: 'data', vendor: 'Supabase', noun: 'personal access token',
    docs: 'https://supabase.com/docs/reference/cli/supabase-login',
    names: ['SUPABASE_ACCESS_TOKEN'], selfId: true, count: 4,
    make: (r) => t(r, 'sbp_{{hex:40}}'),
  },
  {
    label: 'planetscale-service-token', group: 'data', vendor: 'PlanetScale', noun: 'service token',
    docs: 'https://planetscale.com/docs/concepts/service-tokens',
    names: ['PLANETSCALE_SERVICE_TOKEN'], selfId: true, count: 4,
    make: (r) => t(r, 'pscale_tkn_{{base64url:43}}'),
  },
  {
    label: 'planetscale-password', group: 'data', vendor: 'PlanetScale', noun: 'database password',
    docs: 'https://planetscale.com/docs/concepts/connection-strings',
    names: ['DATABASE_PASSWORD', 'PLANETSCALE_DB_PASSWORD'], selfId: true,
    make: (r) => t(r, 'pscale_pw_{{base64url:43}}'), user: (r) => r.str('loweralnum', 12),
  },
  {
    label: 'mongodb-atlas-private-key', group: 'data', vendor: 'MongoDB Atlas', noun: 'API private key',
    docs: 'https://www.mongodb.com/docs/atlas/configure-api-access/',
    names: ['MONGODB_ATLAS_PRIVATE_KEY', 'ATLAS_PRIVATE_KEY'], selfId: false, count: 4,
    make: (r) => whole(uuid(r)),
  },
  {
    label: 'neon-api-key', group: 'data', vendor: 'Neon', noun: 'API key',
    docs: 'https://neon.tech/docs/manage/api-keys',
    names: ['NEON_API_KEY'], selfId: true, count: 3,
    make: (r) => t(r, 'napi_{{loweralnum:64}}'),
  },
  {
    label: 'firebase-fcm-server-key', group: 'data', vendor: 'Firebase Cloud Messaging', noun: 'legacy server key',
    docs: 'https://firebase.google.com/docs/cloud-messaging/auth-server#authorize-legacy-protocol-send-requests',
    names: ['FCM_SERVER_KEY', 'FIREBASE_SERVER_KEY'], selfId: true,
    make: (r) => t(r, 'AAAA{{base64url:7}}:APA91b{{base64url:134}}'),
  },
  {
    label: 'snowflake-connection-url', group: 'urls', vendor: 'Snowflake', noun: 'connection URL password',
    docs: 'https://docs.snowflake.com/en/developer-guide/python-connector/sqlalchemy#connection-parameters',
    names: ['SNOWFLAKE_URL', 'SQLALCHEMY_DATABASE_URI'], selfId: true, count: 4,
    make: (r) => dbUrl(r, 'snowflake', 0, `/${r.pick(['ANALYTICS', 'RAW'])}/PUBLIC?warehouse=COMPUTE_WH&role=TRANSFORMER`, { host: `${r.str('lower', 2)}${r.int(10000, 99999)}.${r.pick(['eu-central-1', 'us-east-1'])}`, user: 'DBT_USER' }),
  },

  // ------------------------------------------------------------------ private keys
  key('private-key-rsa', 'RSA', (r) => pem(r, 'RSA PRIVATE KEY', r.chance(0.7) ? DER_START.rsa : DER_START.rsa4096, r.chance(0.7) ? 1592 : 3164), 'https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1.2', ['PRIVATE_KEY', 'RSA_PRIVATE_KEY', 'JWT_PRIVATE_KEY']),
  key('private-key-ec', 'EC', (r) => pem(r, 'EC PRIVATE KEY', DER_START.ec, 164), 'https://www.rfc-editor.org/rfc/rfc5915', ['EC_PRIVATE_KEY', 'APNS_KEY', 'SIGNING_KEY']),
  key('private-key-pkcs8', 'PKCS#8', (r) => (r.chance(0.5) ? pem(r, 'PRIVATE KEY', DER_START.pkcs8rsa, 1624, { pad: true }) : pem(r, 'PRIVATE KEY', DER_START.pkcs8ed, 64)), 'https://www.rfc-editor.org/rfc/rfc7468#section-10', ['PRIVATE_KEY', 'TLS_KEY', 'APPLE_PRIVATE_KEY']),
  key('private-key-pkcs8-encrypted', 'encrypted PKCS#8', (r) => pem(r, 'ENCRYPTED PRIVATE KEY', DER_START.pkcs8enc, 1748), 'https://www.rfc-editor.org/rfc/rfc7468#section-11', ['ENCRYPTED_PRIVATE_KEY', 'SIGNING_KEY']),
  key('private-key-rsa-encrypted-legacy', 'encrypted RSA (Proc-Type)', (r) => pem(r, 'RSA PRIVATE KEY', r.str('base64', 16), 1600, { headers: ['Proc-Type: 4,ENCRYPTED', `DEK-Info: AES-256-CBC,${r.str('HEX', 32)}`, ''] }), 'https://www.rfc-editor.org/rfc/rfc1421#section-4.6.1', ['SSL_KEY', 'SERVER_KEY']),
  key('private-key-openssh', 'OpenSSH', (r) => pem(r, 'OPENSSH PRIVATE KEY', r.chance(0.7) ? DER_START.openssh : DER_START.opensshEnc, r.chance(0.6) ? 399 : 1800, { width: 70 }), 'https://github.com/openssh/openssh-portable/blob/master/PROTOCOL.key', ['SSH_PRIVATE_KEY', 'DEPLOY_KEY', 'SSH_KEY']),
  key('private-key-dsa', 'DSA', (r) => pem(r, 'DSA PRIVATE KEY', DER_START.dsa, 596), 'https://www.rfc-editor.org/rfc/rfc7468', ['DSA_PRIVATE_KEY', 'SSH_DSA_KEY']),
  key('private-key-pgp', 'PGP', (r) => {
    const begin = armour('BEGIN', 'PGP PRIVATE KEY BLOCK');
    const end = armour('END', 'PGP PRIVATE KEY BLOCK');
    const body = DER_START.pgp + r.str('base64', 2400);
    const lines: string[] = [];
    for (let i = 0; i < body.length; i += 64) lines.push(body.slice(i, i + 64));
    return [begin, '', ...lines, '=' + r.str('base64', 4), end].join('\n');
  }, 'https://www.rfc-editor.org/rfc/rfc4880#section-6.2', ['GPG_PRIVATE_KEY', 'PGP_SECRET_KEY', 'SIGNING_KEY']),
  key('private-key-putty', 'PuTTY', (r) => [
    'PuTTY-User-Key-File-3: ssh-ed25519', 'Encryption: none', `Comment: eddsa-key-2024${r.int(1000, 1231)}`, 'Public-Lines: 2',
    'AAAAC3NzaC1lZDI1NTE5AAAAI' + r.str('base64', 39), r.str('base64', 3) + '=', 'Private-Lines: 1', 'AAAAI' + r.str('base64', 42) + '=', `Private-MAC: ${r.str('hex', 64)}`,
  ].join('\n'), 'https://the.earth.li/~sgtatham/putty/0.78/htmldoc/AppendixC.html', ['PUTTY_KEY']),
  { ...key('github-app-private-key', 'GitHub App', (r) => pem(r, 'RSA PRIVATE KEY', DER_START.rsa, 1592), 'https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/managing-private-keys-for-github-apps', ['GITHUB_APP_PRIVATE_KEY', 'APP_PRIVATE_KEY']), count: 4 },

  // ------------------------------------------------------------------ tokens of general form
  {
    label: 'jwt-bearer-token', group: 'generic', vendor: 'a JWT issuer', noun: 'access token (JWT)',
    docs: 'https://www.rfc-editor.org/rfc/rfc7519',
    names: ['ACCESS_TOKEN', 'AUTH_TOKEN', 'API_TOKEN', 'ID_TOKEN'], selfId: true, count: 8,
    make: (r) => whole(jwt(r, { sub: uuid(r), iss: `https://auth.${r.pick(['acme-corp.com', 'northwind.dev'])}/`, aud: 'api', scope: r.pick(['read write', 'admin', 'orders:write']), iat: r.int(1.7e9, 1.75e9), exp: r.int(1.75e9, 1.8e9) }, r.chance(0.7) ? 'HS256' : 'RS256')),
  },

  // ------------------------------------------------------------------ URLs with credentials
  {
    label: 'postgres-url', group: 'urls', vendor: 'PostgreSQL', noun: 'connection URL password',
    docs: 'https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS',
    names: ['DATABASE_URL', 'POSTGRES_URL', 'PG_DSN', 'SQLALCHEMY_DATABASE_URI'], selfId: true, count: 8,
    make: (r) => dbUrl(r, r.pick(['postgres', 'postgresql', 'postgresql+psycopg2']), 5432, `/${r.pick(['orders', 'app_prod', 'analytics'])}`, { query: r.pick(['', '?sslmode=require', '?sslmode=verify-full&application_name=api']) }),
  },
  {
    label: 'mysql-url', group: 'urls', vendor: 'MySQL', noun: 'connection URL password',
    docs: 'https://dev.mysql.com/doc/refman/8.0/en/connecting-using-uri-or-key-value-pairs.html',
    names: ['DATABASE_URL', 'MYSQL_URL', 'MYSQL_DSN'], selfId: true, count: 7,
    make: (r) => dbUrl(r, r.pick(['mysql', 'mysql2', 'mysql+pymysql', 'mariadb']), 3306, `/${r.pick(['shop', 'wordpress', 'crm'])}`, { query: r.pick(['', '?charset=utf8mb4']) }),
  },
  {
    label: 'mongodb-url', group: 'urls', vendor: 'MongoDB', noun: 'connection string password',
    docs: 'https://www.mongodb.com/docs/manual/reference/connection-string/',
    names: ['MONGODB_URI', 'MONGO_URL', 'MONGO_URI'], selfId: true, count: 6,
    make: (r) => dbUrl(r, 'mongodb', 27017, `/${r.pick(['catalog', 'events'])}`, { host: r.pick(['mongo-0.mongo.svc.cluster.local', 'db1.northwind.dev']), query: r.pick(['?authSource=admin', '?replicaSet=rs0&authSource=admin', '']) }),
  },
  {
    label: 'mongodb-srv-url', group: 'urls', vendor: 'MongoDB Atlas', noun: 'SRV connection string password',
    docs: 'https://www.mongodb.com/docs/manual/reference/connection-string/#srv-connection-format',
    names: ['MONGODB_URI', 'MONGO_URL', 'ATLAS_URI'], selfId: true, count: 7,
    make: (r) => dbUrl(r, 'mongodb+srv', 0, `/${r.pick(['', 'catalog'])}`, { host: `cluster0.${r.str('loweralnum', 5)}.mongodb.net`, query: '?retryWrites=true&w=majority' }),
  },
  {
    label: 'redis-url', group: 'urls', vendor: 'Redis', noun: 'connection URL password',
    docs: 'https://www.iana.org/assignments/uri-schemes/prov/redis',
    names: ['REDIS_URL', 'CACHE_URL', 'CELERY_BROKER_URL'], selfId: true, count: 6,
    make: (r) => dbUrl(r, r.pick(['redis', 'rediss']), 6379, `/${r.int(0, 3)}`, { user: r.pick(['default', 'app', '']), host: r.pick(['redis-12345.c1.us-east-1-2.ec2.cloud.redislabs.com', 'cache.internal', 'master.acme-cache.abc123.use1.cache.amazonaws.com']) }),
  },
  {
    label: 'amqp-url', group: 'urls', vendor: 'RabbitMQ', noun: 'connection URL password',
    docs: 'https://www.rabbitmq.com/docs/uri-spec',
    names: ['AMQP_URL', 'RABBITMQ_URL', 'CLOUDAMQP_URL', 'BROKER_URL'], selfId: true, count: 6,
    make: (r) => dbUrl(r, r.pick(['amqp', 'amqps']), r.pick([5672, 5671]), `/${r.pick(['', 'orders', '%2F'])}`, { host: r.pick(['rabbit.internal', 'b-1234abcd.mq.eu-west-1.amazonaws.com', 'moose.rmq.cloudamqp.com']) }),
  },
  {
    label: 'mssql-connection-string', group: 'urls', vendor: 'SQL Server', noun: 'connection string password',
    docs: 'https://learn.microsoft.com/dotnet/framework/data/adonet/connection-string-syntax',
    names: ['ConnectionStrings__Default', 'SQL_CONNECTION_STRING', 'DefaultConnection'], selfId: true, count: 6,
    make: (r) => around(`Server=tcp:${r.pick(['acme-sql', 'nw-orders'])}.database.windows.net,1433;Initial Catalog=${r.pick(['Orders', 'Identity'])};Persist Security Info=False;User ID=${r.pick(['appuser', 'sqladmin'])};Password=`, password(r, { specials: true }).replace(/;/g, '!'), ';MultipleActiveResultSets=False;Encrypt=True;TrustServerCertificate=False;Connection Timeout=30;'),
  },
  {
    label: 'jdbc-url-password', group: 'urls', vendor: 'JDBC', noun: 'URL password parameter',
    docs: 'https://dev.mysql.com/doc/connector-j/en/connector-j-reference-jdbc-url-format.html',
    names: ['JDBC_URL', 'SPRING_DATASOURCE_URL', 'DB_URL'], selfId: true, count: 5,
    make: (r) => around(`jdbc:${r.pick(['mysql', 'postgresql'])}://${r.pick(['db.internal', 'mysql-01.northwind.dev'])}:${r.pick([3306, 5432])}/${r.pick(['shop', 'ledger'])}?user=${r.pick(['app', 'svc'])}&password=`, password(r).replace(/[&#?]/g, 'x'), r.pick(['', '&useSSL=true'])),
  },
  {
    label: 'basic-auth-url', group: 'urls', vendor: 'HTTP basic auth', noun: 'URL password',
    docs: 'https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1',
    names: ['REGISTRY_URL', 'PIP_EXTRA_INDEX_URL', 'WEBHOOK_URL', 'ELASTICSEARCH_URL', 'PROXY_URL'], selfId: true, count: 7,
    make: (r) => {
      const pw = password(r, { specials: true, urlHard: r.chance(0.5) });
      const host = r.pick(['artifacts.acme-corp.com/repository/pypi/simple', 'es.internal:9200', 'proxy.northwind.dev:3128', 'ci.example-logistics.io/hooks/deploy', 'nexus.internal/repository/npm']);
      return around(`${r.pick(['https', 'http'])}://${r.pick(['deploy', 'elastic', 'ci-bot', 'proxyuser'])}:`, pw, `@${host}`);
    },
  },
  {
    label: 'smtp-url', group: 'urls', vendor: 'SMTP', noun: 'URL password',
    docs: 'https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1',
    names: ['SMTP_URL', 'EMAIL_URL', 'MAILER_DSN'], selfId: true, count: 4,
    make: (r) => dbUrl(r, r.pick(['smtp', 'smtps']), r.pick([587, 465]), '', { user: r.pick(['postmaster%40mg.acme-corp.com', 'noreply']), host: r.pick(['smtp.mailgun.org', 'smtp.office365.com', 'mail.northwind.dev']) }),
  },
  {
    label: 'ftp-url', group: 'urls', vendor: 'FTP', noun: 'URL password',
    docs: 'https://www.rfc-editor.org/rfc/rfc1738#section-3.2',
    names: ['FTP_URL', 'SFTP_URL', 'BACKUP_TARGET'], selfId: true, count: 3,
    make: (r) => dbUrl(r, r.pick(['ftp', 'sftp']), r.pick([21, 22]), '/upload', { user: 'backup', host: 'files.acme-corp.com' }),
  },

  // ------------------------------------------------------------------ generic secrets (named only)
  {
    label: 'generic-password', group: 'generic', vendor: 'an application', noun: 'password',
    docs: 'https://cwe.mitre.org/data/definitions/798.html',
    names: ['DB_PASSWORD', 'PASSWORD', 'ADMIN_PASSWORD', 'MYSQL_ROOT_PASSWORD', 'SMTP_PASSWORD', 'LDAP_BIND_PASSWORD', 'KEYSTORE_PASSWORD', 'POSTGRES_PASSWORD', 'REDIS_PASSWORD', 'RABBITMQ_DEFAULT_PASS'],
    selfId: false, count: 10, user: (r) => r.pick(['admin', 'deploy', 'svc_backup']),
    make: (r) => whole(password(r, { specials: r.chance(0.6) })),
  },
  {
    label: 'generic-secret', group: 'generic', vendor: 'an application', noun: 'secret',
    docs: 'https://cwe.mitre.org/data/definitions/798.html',
    names: ['CLIENT_SECRET', 'APP_SECRET', 'OAUTH_CLIENT_SECRET', 'WEBHOOK_SECRET', 'SHARED_SECRET', 'HMAC_SECRET'], selfId: false, count: 8,
    make: (r) => whole(r.chance(0.5) ? randomKey(r, r.int(24, 48)) : r.str('base64url', r.int(32, 48))),
  },
  {
    label: 'generic-api-key', group: 'generic', vendor: 'an API', noun: 'API key',
    docs: 'https://cwe.mitre.org/data/definitions/798.html',
    names: ['API_KEY', 'SERVICE_API_KEY', 'PARTNER_API_KEY', 'X_API_KEY', 'INTERNAL_API_KEY', 'GEOCODER_API_KEY'], selfId: false, count: 8,
    make: (r) => whole(r.chance(0.5) ? randomKey(r, r.int(24, 48)) : r.str('hex', r.pick([32, 40, 64]))),
  },
  {
    label: 'generic-access-token', group: 'generic', vendor: 'an API', noun: 'access token',
    docs: 'https://cwe.mitre.org/data/definitions/798.html',
    names: ['ACCESS_TOKEN', 'AUTH_TOKEN', 'BEARER_TOKEN', 'SERVICE_TOKEN', 'REFRESH_TOKEN'], selfId: false, count: 6,
    make: (r) => whole(r.str('base64url', r.int(32, 64))),
  },
  {
    label: 'django-secret-key', group: 'generic', vendor: 'Django', noun: 'SECRET_KEY',
    docs: 'https://docs.djangoproject.com/en/stable/ref/settings/#secret-key',
    names: ['DJANGO_SECRET_KEY', 'SECRET_KEY'], selfId: false, count: 5,
    make: (r) => whole(randomKey(r, 20) + r.pick(['!', '^', '*', '(', '-', '_', '=', '+']) + randomKey(r, 29)),
  },
  {
    label: 'rails-secret-key-base', group: 'generic', vendor: 'Rails', noun: 'secret_key_base',
    docs: 'https://guides.rubyonrails.org/security.html#environmental-security',
    names: ['SECRET_KEY_BASE', 'RAILS_MASTER_KEY'], selfId: false, count: 5,
    make: (r) => whole(r.str('hex', r.pick([128, 32]))),
  },
  {
    label: 'laravel-app-key', group: 'generic', vendor: 'Laravel', noun: 'APP_KEY',
    docs: 'https://laravel.com/docs/encryption#configuration',
    names: ['APP_KEY'], selfId: true, count: 4,
    make: (r) => whole('base64:' + r.str('base64', 43) + '='),
  },
  {
    label: 'jwt-signing-secret', group: 'generic', vendor: 'an auth service', noun: 'JWT signing secret',
    docs: 'https://www.rfc-editor.org/rfc/rfc7518#section-3.2',
    names: ['JWT_SECRET', 'JWT_SECRET_KEY', 'NEXTAUTH_SECRET', 'AUTH_SECRET', 'SESSION_SECRET', 'COOKIE_SECRET'], selfId: false, count: 7,
    make: (r) => whole(r.chance(0.5) ? r.str('base64', 43) + '=' : r.str('hex', 64)),
  },
  {
    label: 'encryption-key', group: 'generic', vendor: 'an application', noun: 'encryption key',
    docs: 'https://cwe.mitre.org/data/definitions/321.html',
    names: ['ENCRYPTION_KEY', 'MASTER_KEY', 'FIELD_ENCRYPTION_KEY', 'AES_KEY', 'DATA_KEY'], selfId: false, count: 5,
    make: (r) => whole(r.chance(0.5) ? r.str('hex', 64) : r.str('base64', 43) + '='),
  },
  {
    label: 'ethereum-private-key', group: 'generic', vendor: 'an Ethereum wallet', noun: 'private key',
    docs: 'https://ethereum.org/en/developers/docs/accounts/#account-creation',
    names: ['PRIVATE_KEY', 'DEPLOYER_PRIVATE_KEY', 'WALLET_PRIVATE_KEY'], selfId: false, count: 5,
    make: (r) => whole((r.chance(0.7) ? '0x' : '') + r.str('hex', 64)),
  },
];

export const byLabel = new Map(PROVIDERS.map((p) => [p.label, p]));

// Kinds that are not sent as a request credential (a header or a query parameter): signing
// secrets, client secrets exchanged for tokens, passwords, keys. Header and query carriers skip them.
const NOT_SENT = new Set([
  'aws-secret-access-key', 'aws-session-token', 'aws-access-key-id', 'aws-temporary-access-key-id', 'alibaba-access-key-id', 'alibaba-access-key-secret',
  'tencent-secret-id', 'akamai-edgegrid-client-secret', 'google-oauth-client-secret', 'azure-ad-client-secret', 'azure-storage-account-key',
  'azure-service-bus-key', 'azure-cosmosdb-key', 'azure-sas-token', 'azure-function-key', 'github-oauth-client-secret', 'gitlab-oauth-app-secret',
  'gitlab-runner-registration-token', 'stripe-webhook-secret', 'shopify-shared-secret', 'square-oauth-secret', 'paypal-client-secret',
  'woocommerce-consumer-secret', 'discord-client-secret', 'twitch-client-secret', 'box-client-secret', 'meta-app-secret', 'auth0-client-secret',
  'tailscale-oauth-client-secret', 'twilio-auth-token', 'twilio-api-key-secret', 'mailgun-api-key', 'mailgun-legacy-key', 'vonage-api-secret',
  'sidekiq-enterprise-credentials', 'nuget-feed-password', 'planetscale-password', 'flutterwave-encryption-key', 'cloudflare-global-api-key',
  'age-secret-key', 'gcp-service-account-key', 'discord-webhook-url', 'slack-webhook-url', 'teams-webhook-url', 'cloudinary-url',
  'generic-password', 'generic-secret', 'django-secret-key', 'rails-secret-key-base', 'laravel-app-key', 'jwt-signing-secret', 'encryption-key',
  'ethereum-private-key', 'mongodb-atlas-private-key', 'slack-config-refresh-token', 'google-oauth-refresh-token', 'github-refresh-token',
  'digitalocean-refresh-token', 'dropbox-long-lived-token', 'newrelic-license-key', 'splunk-hec-token', 'pagerduty-routing-key',
]);

/** True when people send this value with each request (a bearer token, an API-key header or query parameter). */
export const sentWithRequests = (p: Provider) => p.group !== 'urls' && p.group !== 'keys' && !NOT_SENT.has(p.label);
