/**
 * The dataflow model shared by the shell, Python and JavaScript readers: values carry labels
 * (where their data came from) and a trail (the lines it passed through); sinks decide.
 *
 * Sources: the environment (all of it, or variables with secret-like names), credential files
 * and stores, the clipboard. Origins that make execution dangerous: data downloaded at run
 * time (`remote`) and data decoded from an encoding or cipher (`decoded`).
 */

export type SourceKind = 'env-all' | 'env-secret' | 'credential' | 'clipboard' | 'dotenv';

export type Label =
  /** `single`: one token printed by a lookup command (`gh auth token`, `op read`), not a whole store. */
  | { kind: 'source'; source: SourceKind; name: string; provider: string | undefined; step: Step; single?: boolean }
  | { kind: 'remote'; url: string; step: Step }
  | { kind: 'decoded'; how: string; step: Step }
  | { kind: 'param'; index: number }
  /** Output of a command (hostname, whoami, a file listing): data, but not a secret. */
  | { kind: 'data'; what: string; step: Step };

export interface Step {
  file: string;
  line: number;
  what: string;
}

/**
 * An abstract value: the text when it is known (unknown stretches are U+0000), what it
 * carries, and, for objects the readers track (sockets, connections, file handles), a kind.
 */
export interface Value {
  text: string;
  labels: Label[];
  obj?: { kind: string; host?: string; path?: string; mode?: string; module?: string } | undefined;
  /** Named members of a literal object or dict (JSON bodies, option objects). */
  fields?: Map<string, Value> | undefined;
  /** Items of a literal list (argv lists for subprocess and spawn). */
  items?: Value[] | undefined;
}

export const UNKNOWN = '\u0000';

export function val(text: string, labels: Label[] = []): Value {
  return { text, labels };
}

export const unknown = (): Value => ({ text: UNKNOWN, labels: [] });

export function join(values: Value[], sep = ''): Value {
  const labels: Label[] = [];
  for (const v of values) for (const l of v.labels) if (!labels.includes(l)) labels.push(l);
  return { text: values.map((v) => v.text).join(sep), labels: labels.slice(0, 64) };
}

export function withLabels(v: Value, extra: Label[]): Value {
  if (!extra.length) return v;
  return { ...v, labels: [...v.labels, ...extra.filter((l) => !v.labels.includes(l))].slice(0, 64) };
}

export function isKnown(v: Value): boolean {
  return !v.text.includes(UNKNOWN);
}

// ---------------------------------------------------------------------------------------
// Environment variables

const SECRET_NAME = /(?:^|_)(?:TOKEN|SECRET|SECRETS|PASSWORD|PASSWD|PASS|PWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|AUTH|CREDENTIALS?|COOKIE|PAT|KEY)(?:_|$)|(?:TOKEN|SECRET|PASSWORD|APIKEY)$/;
const NOT_SECRET = /_(?:ID|IDS|NAME|URL|URI|HOST|PORT|REGION|DIR|PATH|FILE|TYPE|MODE|VERSION|ENDPOINT)$|^(?:PWD|OLDPWD|KEYBOARD|KEYMAP|SESSION_MANAGER|XDG_SESSION_\w+|DBUS_SESSION_BUS_ADDRESS|SSH_AUTH_SOCK|GPG_TTY|\w*_PUBLIC_KEY|\w*_KEY_ID|\w*_KEY_PATH|\w*_KEY_FILE|\w*_TOKEN_URL|\w*_AUTH_URL|\w*_AUTH_TYPE|\w*_AUTH_METHOD)$/;

export function isSecretEnvName(name: string): boolean {
  const n = name.toUpperCase();
  return SECRET_NAME.test(n) && !NOT_SECRET.test(n);
}

/**
 * Providers whose token names say where the token belongs. A token sent to its own provider
 * is an API client at work; the same token sent anywhere else is not.
 */
const PROVIDERS: [RegExp, string, RegExp][] = [
  [/^(?:GH|GITHUB)_|^GITHUB|_GITHUB_/, 'github', /(?:^|\.)(?:github\.com|githubusercontent\.com|ghe\.com|github\.io|ghcr\.io|githubcopilot\.com|github\.dev)$/],
  [/^(?:AWS|AMAZON)_/, 'aws', /(?:^|\.)(?:amazonaws\.com|aws\.amazon\.com|amazonaws\.com\.cn|api\.aws)$/],
  [/^(?:OPENAI)_/, 'openai', /(?:^|\.)openai\.com$|(?:^|\.)openai\.azure\.com$/],
  [/^(?:ANTHROPIC|CLAUDE)_/, 'anthropic', /(?:^|\.)(?:anthropic\.com|claude\.ai)$/],
  [/^(?:GOOGLE|GCP|GCLOUD|GEMINI|FIREBASE)_/, 'google', /(?:^|\.)(?:googleapis\.com|google\.com|cloud\.google\.com|firebaseio\.com|run\.app)$/],
  [/^(?:AZURE|ARM)_/, 'azure', /(?:^|\.)(?:azure\.com|windows\.net|microsoft\.com|microsoftonline\.com|azure\.net)$/],
  [/^(?:SLACK)_/, 'slack', /(?:^|\.)slack\.com$/],
  [/^(?:STRIPE)_/, 'stripe', /(?:^|\.)stripe\.com$/],
  [/^(?:NPM)_/, 'npm', /(?:^|\.)(?:npmjs\.org|npmjs\.com)$/],
  [/^(?:PYPI|TWINE)_/, 'pypi', /(?:^|\.)(?:pypi\.org|pythonhosted\.org)$/],
  [/^(?:DOCKER|DOCKERHUB)_/, 'docker', /(?:^|\.)(?:docker\.io|docker\.com)$/],
  [/^(?:HF|HUGGINGFACE|HUGGING_FACE)_/, 'huggingface', /(?:^|\.)(?:huggingface\.co|hf\.co)$/],
  [/^(?:GITLAB|GL)_/, 'gitlab', /(?:^|\.)gitlab\.com$/],
  [/^(?:VERCEL)_/, 'vercel', /(?:^|\.)vercel\.com$/],
  [/^(?:NETLIFY)_/, 'netlify', /(?:^|\.)netlify\.com$/],
  [/^(?:CLOUDFLARE|CF)_/, 'cloudflare', /(?:^|\.)cloudflare\.com$/],
  [/^(?:DIGITALOCEAN|DO)_/, 'digitalocean', /(?:^|\.)digitalocean\.com$/],
  [/^(?:HEROKU)_/, 'heroku', /(?:^|\.)heroku\.com$/],
  [/^(?:SENTRY)_/, 'sentry', /(?:^|\.)sentry\.io$/],
  [/^(?:DATADOG|DD)_/, 'datadog', /(?:^|\.)(?:datadoghq\.com|datadoghq\.eu)$/],
  [/^(?:TWILIO)_/, 'twilio', /(?:^|\.)twilio\.com$/],
  [/^(?:SENDGRID)_/, 'sendgrid', /(?:^|\.)sendgrid\.com$/],
  [/^(?:LINEAR)_/, 'linear', /(?:^|\.)linear\.app$/],
  [/^(?:NOTION)_/, 'notion', /(?:^|\.)notion\.(?:com|so)$/],
  [/^(?:SUPABASE)_/, 'supabase', /(?:^|\.)supabase\.(?:co|com|io)$/],
  [/^(?:MISTRAL)_/, 'mistral', /(?:^|\.)mistral\.ai$/],
  [/^(?:GROQ)_/, 'groq', /(?:^|\.)groq\.com$/],
  [/^(?:COHERE|CO)_/, 'cohere', /(?:^|\.)cohere\.(?:ai|com)$/],
  [/^(?:REPLICATE)_/, 'replicate', /(?:^|\.)replicate\.com$/],
  [/^(?:PERPLEXITY|PPLX)_/, 'perplexity', /(?:^|\.)perplexity\.ai$/],
  [/^(?:OPENROUTER)_/, 'openrouter', /(?:^|\.)openrouter\.ai$/],
  [/^(?:TELEGRAM)_/, 'telegram', /(?:^|\.)telegram\.org$/],
  [/^(?:DISCORD)_/, 'discord', /(?:^|\.)(?:discord\.com|discordapp\.com)$/],
  [/^(?:JIRA|ATLASSIAN|CONFLUENCE)_/, 'atlassian', /(?:^|\.)(?:atlassian\.net|atlassian\.com)$/],
];

/** The provider a variable name belongs to, when it names one. */
export function providerOf(name: string): string | undefined {
  const n = name.toUpperCase();
  // Cloudflare Access service tokens authenticate to the user's own applications.
  if (/^CF_ACCESS_/.test(n)) return undefined;
  for (const [re, p] of PROVIDERS) if (re.test(n)) return p;
  return undefined;
}

/** Gateways and proxies that front the AI providers: a provider's key is expected there too. */
const AI_GATEWAYS = /(?:^|\.)(?:gateway\.ai\.cloudflare\.com|helicone\.ai|portkey\.ai|openrouter\.ai|ai-gateway\.vercel\.sh|bedrock-runtime\.[\w-]+\.amazonaws\.com|aiplatform\.googleapis\.com|openai\.azure\.com|cognitiveservices\.azure\.com)$/;
const AI_PROVIDERS = new Set(['openai', 'anthropic', 'google', 'mistral', 'groq', 'cohere', 'perplexity', 'openrouter', 'replicate', 'huggingface']);

export function hostBelongsTo(host: string, provider: string): boolean {
  const row = PROVIDERS.find((p) => p[1] === provider);
  const h = host.toLowerCase();
  return (!!row && row[2].test(h)) || (AI_PROVIDERS.has(provider) && AI_GATEWAYS.test(h));
}

/** A generic token name whose first word names the host it belongs to (NOTION_TOKEN to api.notion.com). */
export function nameMatchesHost(name: string, host: string): boolean {
  const words = name.toLowerCase().split(/_+/).filter((w) => w.length >= 3 && !/^(?:api|key|token|secret|access|auth|pat|password|private|client|bearer|the|my|app)$/.test(w));
  const labels = host.toLowerCase().split('.');
  return words.some((w) => labels.some((l) => l === w || l.replace(/-/g, '') === w || l.startsWith(w) || w.startsWith(l) && l.length >= 4));
}

// ---------------------------------------------------------------------------------------
// Hosts

const CAPTURE_HOSTS = /(?:^|\.)(?:webhook\.site|requestbin\.(?:com|net)|pipedream\.net|m\.pipedream\.net|hookbin\.com|beeceptor\.com|interact\.sh|oast\.(?:fun|me|live|site|online|pro)|burpcollaborator\.net|canarytokens\.com|ngrok(?:-free)?\.(?:io|app|dev)|trycloudflare\.com|pastebin\.com|hastebin\.com|paste\.ee|termbin\.com|0x0\.st|file\.io|transfer\.sh|temp\.sh|bashupload\.com|ix\.io|sprunge\.us|dpaste\.(?:com|org)|rentry\.co|ghostbin\.\w+|privatebin\.net|loca\.lt|serveo\.net|localhost\.run|duckdns\.org|ddns\.net|no-ip\.\w+|hopto\.org|zapto\.org|sytes\.net|requestcatcher\.com|postb\.in|ptsv2\.com|ptsv3\.com|webhook\.cool|typedwebhook\.tools|ipinfo\.io|discord(?:app)?\.com\/api\/webhooks|api\.telegram\.org)$/;

export type HostClass = 'local' | 'ip' | 'capture' | 'named' | 'unknown';

export function hostOf(url: string): string | undefined {
  const u = url.trim();
  let m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s?#]*@)?(\[[^\]]+\]|[^/:?#\s]+)/i.exec(u);
  if (m) return m[1]!.toLowerCase();
  // scp-like user@host:path and bare host[:port]/path
  m = /^(?:[\w.-]+@)?([a-z0-9][a-z0-9.-]*\.[a-z]{2,}|\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?(?:[/:]|$)/i.exec(u);
  return m ? m[1]!.toLowerCase() : undefined;
}

export function classifyHost(host: string | undefined): HostClass {
  if (!host || host.includes(UNKNOWN) || !/[a-z0-9]/i.test(host)) return 'unknown';
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (/^(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|::1|host\.docker\.internal)$/.test(h) || h.endsWith('.localhost') || h.endsWith('.local') || h.endsWith('.internal') || h.endsWith('.svc') || h.endsWith('.cluster.local')) return 'local';
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(h) || h.includes(':')) {
    if (/^(?:10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.)/.test(h)) return 'ip';
    return 'ip';
  }
  if (CAPTURE_HOSTS.test(h)) return 'capture';
  if (!h.includes('.')) return 'unknown';
  return 'named';
}

/**
 * Code forges and model hubs: a repository cloned from one has a public history and an owner
 * one can look up. A clone from anywhere else (a raw IP, a lookalike domain) is an unknown source.
 */
const FORGES = /(?:^|\.)(?:github\.com|gitlab\.com|bitbucket\.org|codeberg\.org|sr\.ht|git\.sr\.ht|huggingface\.co|googlesource\.com|salsa\.debian\.org|gitlab\.gnome\.org|gitlab\.freedesktop\.org|git\.kernel\.org|pagure\.io|gitee\.com|dev\.azure\.com|visualstudio\.com|launchpad\.net|sourceforge\.net|opendev\.org|gitea\.com)$/;

export function isForgeHost(host: string | undefined): boolean {
  return !!host && FORGES.test(host.toLowerCase());
}

export function isCaptureUrl(url: string): boolean {
  return /(?:discord(?:app)?\.com\/api\/webhooks|api\.telegram\.org\/bot|hooks\.slack\.com\/services)/i.test(url);
}

// ---------------------------------------------------------------------------------------
// Credential files and stores

const HOME = String.raw`(?:~|\$HOME|\$\{HOME\}|%USERPROFILE%|%HOME%|/home/[^/\s]+|/Users/[^/\s]+|/root|C:\\Users\\[^\\\s]+|${UNKNOWN})`;
const CREDENTIAL_PATHS: [RegExp, string, string | undefined][] = [
  [new RegExp(String.raw`(?:^|[/\\])\.ssh(?:[/\\](?!\S*\.pub\b)(?!config\b)(?!known_hosts\b)(?!authorized_keys\b)[^\s]*)?$`), 'SSH keys', undefined],
  [/(?:^|[/\\])id_(?:rsa|dsa|ecdsa|ed25519)(?!\.pub)\b/, 'SSH private key', undefined],
  [/(?:^|[/\\])\.aws(?:[/\\](?:credentials|config|sso[/\\]cache)\b.*)?$/, 'AWS credentials', 'aws'],
  [/(?:^|[/\\])\.config[/\\]gcloud\b/, 'gcloud credentials', 'google'],
  [/application_default_credentials\.json/, 'gcloud credentials', 'google'],
  [/(?:^|[/\\])\.azure(?:[/\\]|$)/, 'Azure credentials', 'azure'],
  [/(?:^|[/\\])\.kube[/\\]config\b/, 'Kubernetes config', undefined],
  [/(?:^|[/\\])\.docker[/\\]config\.json/, 'Docker credentials', 'docker'],
  [/(?:^|[/\\])\.netrc\b|(?:^|[/\\])_netrc\b/, '.netrc', undefined],
  [/(?:^|[/\\])\.git-credentials\b/, 'git credentials', undefined],
  [/(?:^|[/\\])\.config[/\\]gh[/\\]hosts\.yml/, 'GitHub CLI token', 'github'],
  [/(?:^|[/\\])\.npmrc\b/, '.npmrc', 'npm'],
  [/(?:^|[/\\])\.pypirc\b/, '.pypirc', 'pypi'],
  [/(?:^|[/\\])\.gnupg(?:[/\\]|$)/, 'GnuPG keys', undefined],
  [/(?:^|[/\\])\.password-store(?:[/\\]|$)/, 'password store', undefined],
  [/(?:^|[/\\])\.vault-token\b/, 'Vault token', undefined],
  [/(?:^|[/\\])\.terraform\.d[/\\]credentials/, 'Terraform credentials', undefined],
  [/(?:^|[/\\])(?:\.cursor[/\\]mcp\.json|\.mcp\.json|mcp\.json|claude_desktop_config\.json|\.claude\.json|\.codeium[/\\]windsurf[/\\]mcp_config\.json)$/, 'MCP configuration (holds server API keys)', undefined],
  [/(?:^|[/\\])\.claude[/\\]\.credentials\.json|(?:^|[/\\])\.codex[/\\]auth\.json|(?:^|[/\\])\.config[/\\](?:claude|anthropic)[/\\]/, 'agent credentials', undefined],
  [/Library[/\\]Keychains|\.keychain(?:-db)?\b/, 'keychain', undefined],
  [/(?:Login Data|Web Data|Cookies|logins\.json|key[34]\.db|cookies\.sqlite|Local State)\b/, 'browser credential store', undefined],
  [/(?:^|[/\\])(?:\.mozilla[/\\]firefox|Google[/\\]Chrome|google-chrome|chromium|BraveSoftware|Microsoft[/\\]Edge)(?:[/\\]|$)/, 'browser profile', undefined],
  [/wallet\.dat\b|(?:^|[/\\])\.(?:bitcoin|electrum|ethereum)(?:[/\\]|$)|[/\\](?:Exodus|MetaMask|Phantom)(?:[/\\]|$)/, 'crypto wallet', undefined],
  [/^\/etc\/(?:shadow|gshadow|sudoers)\b/, 'system password file', undefined],
  [/(?:^|[/\\])\.(?:bash|zsh|sh|python|node_repl|mysql|psql)_history\b|fish_history\b|ConsoleHost_history\.txt/, 'shell history', undefined],
];
const DOTENV = /(?:^|[/\\])\.env(?:\.(?!example\b|sample\b|template\b|dist\b|defaults?\b|schema\b)[\w-]+)?$/;

/** What credential a path (as text, possibly with a glob) names, if any. */
export function credentialOf(path: string): { what: string; provider: string | undefined; source: SourceKind } | undefined {
  // A folder named with a trailing slash (`rsync -a ~/.aws/ host:`) is that folder.
  const p = path.trim().replace(/^["']|["']$/g, '').replace(/(?<=.)[/\\]+$/, '');
  if (!p || p.length > 400) return undefined;
  void HOME;
  for (const [re, what, provider] of CREDENTIAL_PATHS) if (re.test(p)) return { what, provider, source: 'credential' };
  if (DOTENV.test(p)) return { what: '.env file', provider: undefined, source: 'dotenv' };
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Agent configuration and traces

const AGENT_CONFIG = /(?:^|[/\\])(?:\.claude[/\\](?:settings(?:\.local)?\.json|hooks\b)|\.claude\.json$|\.mcp\.json$|claude_desktop_config\.json$|\.cursor[/\\](?!rules[/\\])|\.codex[/\\](?!instructions\.md$|AGENTS\.md$)|\.gemini[/\\]settings\.json|\.vscode[/\\]mcp\.json|\.windsurf[/\\]|\.codeium[/\\]windsurf[/\\]|\.config[/\\]zed[/\\]settings\.json$|(?:\.config|Application Support|AppData[/\\]Roaming)[/\\](?:Code|Code - Insiders|VSCodium|Cursor)[/\\]User[/\\](?:settings|mcp)\.json$|\.roo[/\\]|\.kilocode[/\\]|\.config[/\\]opencode[/\\]|\.config[/\\]goose[/\\]|\.continue[/\\]|\.aider\.conf|\.agent-vault\.ya?ml$|\.agent-vault[/\\]|mcp(?:_|-)?(?:config|servers)\.json$|\.github[/\\]copilot-instructions\.md$)/i;
const AGENT_MEMORY = /(?:^|[/\\])(?:CLAUDE|AGENTS|GEMINI)\.md$|(?:^|[/\\])\.claude[/\\](?:commands|agents|skills)[/\\]|\.cursorrules$|\.clinerules\b|\.cursor[/\\]rules[/\\]|\.codex[/\\]instructions\.md$/;

export function agentConfigOf(path: string): 'config' | 'memory' | undefined {
  const p = path.trim().replace(/^["']|["']$/g, '');
  if (AGENT_CONFIG.test(p)) return 'config';
  if (AGENT_MEMORY.test(p)) return 'memory';
  return undefined;
}

const TRACES = /(?:^|[/\\])\.(?:bash|zsh|sh|python|node_repl|mysql|psql|lesshst|wget-hsts)_?history\b|fish_history\b|ConsoleHost_history\.txt|^\/var\/log\/?\*?$|^\/var\/log\/(?:auth|secure|audit|syslog|messages|wtmp|btmp|lastlog|kern)|(?:^|[/\\])(?:audit|auth|secure|syslog|wtmp|btmp|lastlog)(?:\.log)?(?:\.\d+)?$|(?:^|[/\\])\.agent-vault[/\\](?:audit|state)|(?:^|[/\\])\.claude[/\\](?:projects|history\.jsonl|logs)\b|(?:^|[/\\])\.codex[/\\](?:sessions|history)/;

export function isTracePath(path: string): boolean {
  return TRACES.test(path.trim().replace(/^["']|["']$/g, ''));
}

/** Lines of `.env`-style text that switch a protection off. */
export function weakensSettings(text: string): string | undefined {
  const m = /^\s*(?:export\s+)?([A-Z0-9_]*(?:TLS_REJECT_UNAUTHORIZED|SSL_VERIFY|VERIFY_SSL|SSL_NO_VERIFY|HTTPSVERIFY|CERT_VERIFY|VERIFY_CERTS?|CSRF|AUTH_ENABLED|AUTH_REQUIRED|REQUIRE_AUTH|SECURITY|SANDBOX|SAFE_MODE|PROTECTION|STRICT)[A-Z0-9_]*)\s*=\s*["']?(0|false|off|no|disabled?|none)["']?\s*$|^\s*(?:export\s+)?([A-Z0-9_]*(?:DISABLE_AUTH|DISABLE_SSL|DISABLE_TLS|DISABLE_SECURITY|DISABLE_SANDBOX|INSECURE|SKIP_VERIFY|SKIP_AUTH|ALLOW_ALL|ALLOW_ANY|NO_VERIFY|DANGEROUSLY)[A-Z0-9_]*)\s*=\s*["']?(1|true|on|yes|\*)["']?\s*$|^\s*(?:export\s+)?([A-Z0-9_]*(?:ALLOWED_HOSTS|CORS_ORIGINS?|ALLOWED_ORIGINS|PERMISSIONS?))\s*=\s*["']?\*["']?\s*$/im.exec(text);
  return m ? (m[1] ?? m[3] ?? m[5]) : undefined;
}
