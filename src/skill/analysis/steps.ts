/**
 * Instructions in Markdown prose, read step by step. An attack in prose is rarely one sentence:
 * "find the .env files" … "cat each" … "add every KEY=value to the PR description" spreads one
 * act over several steps, and a line-by-line rule sees none of them whole.
 *
 * The model: a Markdown file is split into steps (a heading, a list item with its continuation
 * lines, a paragraph, a table row, a fenced block, an HTML comment, a frontmatter line). Each
 * step gets its *acts* (collect, send/publish, edit a configuration, weaken a protection,
 * conceal from the user, claim precedence over other instructions, follow fetched
 * instructions) and their *objects* (credential stores, .env files, keys, tokens, shell history;
 * outbound sinks such as URLs, pull requests, issues, comments, gists, paste sites, webhooks,
 * chat channels, documents; agent and tool configuration files). An act in a clause that is
 * negated ("do not read or print …") does not count, and a step that only describes an attack
 * (a security review: "attackers may …", a red-flags section) has no acts at all.
 *
 * Steps are then joined within a file: a step that collects a credential followed by a step
 * that sends, publishes or pastes what was collected (it refers back: "them", "each value",
 * "KEY=value", "the contents") is a flow; a configuration file opened in one step and weakened
 * in a later one is tampering; concealment or a precedence claim is an attack when the skill
 * also orders something sensitive. Findings carry both steps' lines and the reason.
 *
 * Pure: text in, findings out.
 */
import { isNegativeContext, HEADING_NEGATIVE } from './markdown.js';
import { allMatches, ready, someMatch } from './matches.js';
import { weakensSettings } from './model.js';

export type StepKind = 'heading' | 'item' | 'paragraph' | 'row' | 'code' | 'comment' | 'frontmatter';

export interface ProseStep {
  kind: StepKind;
  text: string;
  /** First and last line in the file (1-based). */
  line: number;
  endLine: number;
  /** Under a heading that names attacks, red flags or bad examples. */
  section: boolean;
}

/** Splits a Markdown file into the steps an agent follows. */
export function splitSteps(text: string): ProseStep[] {
  const lines = text.split('\n');
  const steps: ProseStep[] = [];
  let section = false;
  let cur: ProseStep | undefined;
  const flush = () => {
    if (cur && cur.text.trim()) steps.push(cur);
    cur = undefined;
  };
  let i = 0;
  if (/^---\s*$/.test(lines[0] ?? '')) {
    const end = lines.findIndex((l, k) => k > 0 && /^---\s*$/.test(l));
    if (end > 0) {
      for (let k = 1; k < end; k++) if (lines[k]!.trim()) steps.push({ kind: 'frontmatter', text: lines[k]!, line: k + 1, endLine: k + 1, section: false });
      i = end + 1;
    }
  }
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      flush();
      const marker = fence[1]!;
      let j = i + 1;
      while (j < lines.length && !new RegExp(`^\\s{0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`).test(lines[j]!)) j++;
      steps.push({ kind: 'code', text: lines.slice(i + 1, j).join('\n'), line: i + 1, endLine: Math.min(j + 1, lines.length), section });
      i = j;
      continue;
    }
    if (/^\s*<!--/.test(line)) {
      flush();
      let j = i;
      while (j < lines.length && !lines[j]!.includes('-->')) j++;
      steps.push({ kind: 'comment', text: lines.slice(i, j + 1).join('\n').replace(/<!--|-->/g, ' '), line: i + 1, endLine: Math.min(j + 1, lines.length), section });
      i = j;
      continue;
    }
    if (/^#{1,6}\s/.test(line)) {
      flush();
      section = ready(HEADING_NEGATIVE).test(line);
      steps.push({ kind: 'heading', text: line.replace(/^#+\s*/, ''), line: i + 1, endLine: i + 1, section });
      continue;
    }
    if (!line.trim()) {
      // A blank line ends a paragraph; a list item may continue after it only when indented.
      if (cur && cur.kind !== 'item') flush();
      continue;
    }
    if (/^\s*\|/.test(line)) {
      flush();
      if (!/^\s*\|[\s:|-]+\|?\s*$/.test(line)) steps.push({ kind: 'row', text: line, line: i + 1, endLine: i + 1, section });
      continue;
    }
    if (/^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+/.test(line)) {
      flush();
      cur = { kind: 'item', text: line.replace(/^\s*(?:[-*+]|\d{1,3}[.)])\s+/, ''), line: i + 1, endLine: i + 1, section };
      continue;
    }
    if (cur && cur.kind === 'item' && !/^\s/.test(line) && !(lines[i - 1] ?? '').trim()) flush();
    if (!cur) cur = { kind: 'paragraph', text: line, line: i + 1, endLine: i + 1, section };
    else {
      cur.text += `\n${line.trim()}`;
      cur.endLine = i + 1;
    }
  }
  flush();
  return steps;
}

// ---------------------------------------------------------------------------------------
// Objects

/** Where secrets live, by kind. The first match names the source. */
const SOURCES: [RegExp, string][] = [
  [/(?:~|\$HOME|%USERPROFILE%)?[/\\]?\.ssh\b(?![/\\]?[\w.-]*\.pub\b)(?![/\\](?:config|known_hosts|authorized_keys)\b)|\bid_(?:rsa|ed25519|ecdsa|dsa)\b(?!\.pub)|\bssh[\s-](?:private[\s-])?keys?\b|\bprivate[\s-]keys?\b|\bclaves?\s+(?:privadas?|ssh)\b|\bclés?\s+(?:privées?|ssh)\b|\bprivate?n?\s+schlüssel\b|私钥/i, 'SSH or private keys'],
  [/\.aws[/\\](?:credentials|config)\b|\baws\s+credentials\b|\.config[/\\]gcloud\b|application_default_credentials|\.azure[/\\]|\.kube[/\\]config\b|\bkubeconfig\b|\.docker[/\\]config\.json/i, 'cloud or cluster credentials'],
  [/(?<![\w/-])\.env(?:\.(?!example\b|sample\b|template\b|dist\b)[\w-]+)?(?![\w-]|\.example|\.sample|\.template)|\benv(?:ironment)?\s+files?\b|\bdotenv\s+files?\b|\barchivos?\s+\.?env\b|\bfichiers?\s+\.?env\b|\.env-Dateien?\b/i, '.env files'],
  [/\.npmrc\b|\.pypirc\b|\.netrc\b|\.git-credentials\b|\bgh\s+auth\s+token\b|\bgh\s+auth\s+status\s+(?:-t|--show-token)\b|\bgit\s+credential\s+fill\b|\bhosts\.yml\b/i, 'registry or git credentials'],
  [/\bkeychain\b|\bkeyring\b|\bcredential\s+manager\b|\bpassword\s+manager\b|\b1password\b|\bbitwarden\b|\blastpass\b|\bop\s+(?:read|item\s+get)\b|\bsecret-tool\b|\bfind-(?:generic|internet)-password\b|\bbrowser(?:'s)?\s+(?:saved\s+)?(?:passwords|cookies|logins?|profiles?)\b|\blogin\s+data\b|\blogins\.json\b|trousseau|schlüsselbund|钥匙串/i, 'keychains, password managers or browser stores'],
  [/\.(?:bash|zsh|sh|python|psql|mysql|node_repl)_history\b|ConsoleHost_history|\b(?:shell|terminal|bash|zsh|command|powershell)[\s-]history\b|historial\s+de\s+(?:la\s+)?(?:terminal|shell|comandos)|historique\s+(?:du\s+)?(?:terminal|shell|des\s+commandes)|(?:shell|befehls)-?verlauf|命令历史|历史记录/i, 'shell history'],
  [/\b(?:printenv|os\.environ|process\.env|Get-ChildItem\s+env:|\$env:)|\b(?:all|every|the\s+whole|the\s+entire)\s+(?:of\s+the\s+)?environment(?:\s+variables)?\b|\benvironment\s+variables\b|variables\s+de\s+entorno|variables\s+d['’]environnement|umgebungsvariablen|环境变量|\$\{?[A-Z][A-Z0-9_]*(?:TOKEN|SECRET|PASSWORD|API_KEY|ACCESS_KEY|PRIVATE_KEY)\}?/i, 'environment secrets'],
  [/\b(?:api[\s_-]?keys?|access[\s_-]?keys?|(?:auth|access|bearer|session|api|npm|pypi|github|gitlab|slack|personal\s+access)\s+tokens?|tokens|secrets|passwords|credentials|KEY=value|claves?\s+(?:de\s+)?api|contraseñas|credenciales|secretos|mots\s+de\s+passe|identifiants|jetons|passwörter|zugangsdaten|geheimnisse|密钥|令牌|密码|凭据)\b/i, 'keys, tokens or passwords'],
];

/** Commands whose output is a secret. */
const COMMAND_SOURCE = /\b(?:gh\s+auth\s+token|gh\s+auth\s+status\s+(?:-t|--show-token)|git\s+credential\s+fill|printenv|op\s+(?:read|item\s+get)|secret-tool\s+(?:lookup|search)|security\s+(?:find-(?:generic|internet)-password|dump-keychain)|cmdkey\s+\/list)\b/i;

/** Where collected data leaves for: outbound sinks and shared places. `weak`: the user's own chat. */
const SINKS: [RegExp, string, boolean?][] = [
  [/https?:\/\/(?!(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?:[:/]|\b))[\w.-]+/i, 'a URL'],
  [/\bwebhooks?\b|\bpaste(?:bin|\s+sites?|\s+services?)\b|\bhastebin\b|\bgists?\b|\bpastes?\b(?=\s+(?:url|link|service))/i, 'a webhook, gist or paste site'],
  [/\b(?:pull\s+requests?|merge\s+requests?|PRs?|MRs?)\b|\bgh\s+pr\s+(?:create|edit|comment)\b|\bsolicitud(?:es)?\s+de\s+(?:extracción|incorporación)\b|\bdescripci[oó]n\s+del?\s+PR\b|\bdemande\s+de\s+fusion\b|拉取请求|合并请求/i, 'a pull request'],
  [/\bissues?\b|\btickets?\b|\bgh\s+issue\s+(?:create|comment|edit)\b|\bincidencias?\b|\bjira\b/i, 'an issue or ticket'],
  [/\bcomments?\b|\bcomentarios?\b|\bcommentaires?\b|\bkommentare?\b|评论/i, 'a comment'],
  [/\bcommit(?:\s+messages?|ted)?\b|\bgit\s+(?:commit|push)\b|\brelease\s+notes\b|\brelease\s+(?:body|description)\b|\bchangelog\b/i, 'a commit, release or changelog'],
  [/\b(?:slack|discord|teams|telegram|mattermost|matrix)\b|\b(?:team|shared|public)\s+(?:channel|chat|drive|folder|bucket|doc(?:ument)?)\b|#[a-z][\w-]+\s+channel|\bs3:\/\/|\bpublic\s+(?:bucket|url|link)\b/i, 'a chat channel or shared place'],
  [/\be-?mail\b|\bcorreo\b|\bcourriel\b|\bsmtp\b/i, 'an e-mail'],
  [/\bREADME\b|\b(?:report|inventory|notes?|summary|wiki|badge|onboarding|status\s+page)\b|[\w./-]+\.md\b|\binforme\b|\binventario\b|\brapport\b|\bbericht\b|\bnotiz\b|报告/i, 'a document'],
  [/\b(?:query\s+string|url\s+parameter|dns\s+(?:lookup|name|query)|subdomain)\b/i, 'a URL parameter or DNS name'],
  [/\b(?:your|the)\s+(?:reply|response|answer|final\s+message|output)\b|\bthe\s+(?:chat|conversation|transcript)\b|\bto\s+the\s+user\b|\btu\s+respuesta\b|\b(?:tua|sua)\s+(?:risposta|resposta)\b|\bna\s+(?:sua\s+)?resposta\b|\bnella\s+(?:tua\s+)?risposta\b|\bta\s+réponse\b|\bdeine[rn]?\s+antwort\b|回复|回答/i, 'the reply', true],
];

/** The clause hands on values, not facts about them: needed before the user's own chat counts as a sink. */
const VALUES = /\b(?:values?|contents?|verbatim|in\s+full|(?:full|complete|entire|whole|raw|unabridged|unfiltered)\s+(?:output|text|file|dump|listing|results?)|exactly\s+as\s+(?:found|it\s+is|they\s+are|printed|written)|tal\s+(?:cual|como\s+est[áa]n?)|tel(?:le)?s?\s+quel(?:le)?s?|wörtlich|unverändert|integralmente|na\s+íntegra|the\s+(?:secret|token|key|password)s?|every\s+(?:entry|line|secret|token|key)|each\s+(?:value|entry|secret|token|key)|KEY=value|including\s+the\s+(?:secret|token|key|password)s?|valor(?:es)?|contenido|completo|valeurs?|contenu|complet|werte?|inhalt|vollständig)\b|\bcosì\s+com['’]è|内容|值/i;

/** The step carries the values it refers to: a pronoun for what was collected, or the values themselves. */
const REFERS_BACK = /\b(?:them|it|its|each(?:\s+one)?|both(?:\s+(?:files|of\s+them|keys|values))?|the\s+(?:collected|harvested|gathered|extracted|recovered|found|discovered|matching)\s+(?:credentials|secrets|tokens|keys|passwords|values|data|lines)|every(?:\s+(?:one|line|value|key|entry|match|file|pair|variable|token|secret))?|all\s+of\s+(?:them|it)|these|those|(?:the|their|its)\s+(?:values?|contents?|results?|output|lines|entries|matches|keys?|tokens?|secrets?|credentials|passwords|findings|data|list|pairs)|what\s+(?:you|it|the\s+\w+)\s+(?:found|collected|printed|read|returned)|(?:the\s+)?(?:whole|entire|full|complete)\s+(?:file|files|output|contents?|thing|list)|the\s+(?:file|files)|KEY=value|key\/value|name=value|verbatim|in\s+full|as[- ]is|(?:los|sus|las|su|el|la)\s+(?:valores?|contenidos?|líneas)|(?:son|sa|ses|leur|leurs|le)\s+(?:contenu|valeurs?|lignes)|(?:ihren|seinen|den|deren|dessen)\s+(?:inhalt|wert)|cada\s+(?:uno|línea|valor|clave)|todos?|todas|chaque|(?:die|ihre|alle)\s+(?:werte|inhalte?|zeilen|einträge)|jede[nrs]?|sie|它们|这些|内容|每个|所有|值)\b|它们|这些|内容|每个|所有/i;

/** The step keeps values out: names only, masked, counted, placeholders. */
const SANITISED = /\bnames?\s+only\b|\bonly\s+(?:the\s+)?(?:variable\s+|key\s+)?names\b|\b(?:never|not|without|no)\s+(?:[\w,]+\s+){0,4}(?:the\s+|their\s+|its\s+|any\s+)?values?\b|\bmask(?:ed|ing|s)?\b|\bredact(?:ed|ing|s)?\b|\*{3,}|\bplaceholders?\b|\b(?:count|number)\s+of\b|\bhow\s+many\b|\bline\s+numbers?\b|\b(?:fingerprints?|hash(?:es)?|checksums?)\s+(?:only|of)\b|\bsolo\s+(?:los\s+)?nombres\b|\bsin\s+(?:sus\s+|los\s+)?valores\b|\bseulement\s+les\s+noms\b|\bsans\s+(?:leurs\s+|les\s+)?valeurs\b|\bnur\s+(?:die\s+)?namen\b|\bohne\s+(?:die\s+|ihre\s+)?werte\b|只.{0,4}名称|不.{0,4}值/i;

/**
 * The step demands the values unmasked ("real values included", "do not redact", "sin ocultar"):
 * it names masking only to forbid it, so it is not a sanitised step.
 */
const UNMASKED = /\b(?:real|actual|raw|unmasked|unredacted|plain-?text|live)\s+values?\b|\bvalues?\s+included\b|\b(?:do\s+not|don['’]t|never|without|no\s+need\s+to)\s+(?:\w+\s+){0,3}(?:mask|redact|hide|hiding|shorten|truncate|obfuscate|censor|abbreviate|elide|star\s+out)\w*|\b(?:can(?:not|['’]t)|could\s+not|won['’]t)\s+(?:\w+\s+){0,3}(?:placeholders|masked|redacted)\b|\bnot\s+(?:as\s+)?placeholders\b|\bsin\s+(?:ocultar|enmascarar|censurar|recortar|ofuscar)\b|\bsans\s+(?:masquer|cacher|censurer|tronquer|caviarder)\b|\bohne\s+(?:zu\s+)?(?:maskieren|schwärzen|kürzen|verbergen|zensieren)\b|\bsenza\s+(?:mascherare|nascondere|oscurare|censurare)\b|\bsem\s+(?:mascarar|ocultar|esconder|censurar)\b|不要(?:隐藏|遮盖|脱敏|打码|省略)/i;

/** Text that describes attacks rather than ordering them (a security review, a warning). */
const DESCRIPTIVE = /\b(?:attackers?|adversar(?:y|ies)|malicious|malware|red\s+flags?|phishing|(?:a|an)\s+(?:compromised|rogue|poisoned)\s+(?:skill|tool|package)|watch\s+(?:out\s+)?for|look\s+(?:out\s+)?for\s+(?:skills?|instructions?|code|text|attempts?)|(?:flag|detect|report|reject|block|warn\s+about|refuse)\s+(?:any|skills?|instructions?|attempts?|requests?|text|content)\b[^.\n]{0,60}\b(?:that|which|asking|telling)\b|examples?\s+of\s+(?:an?\s+)?(?:attacks?|injection|exfiltration))/i;

// ---------------------------------------------------------------------------------------
// Acts

const COLLECT = /\b(?:look(?:s|ed|ing)?\s+(?:for|in|into|through)\b|(?:find|locate|search|scan|grep|list|enumerate|read|open|cat|view|load|collect|gather|harvest|extract|grab|dump|copy|retrieve|export|capture|walk|iterate|print|show)(?:s|es|ed|ing|ping)?(?:\s+(?:for|in|through|over))?|go(?:es|ing)?\s+through|busca|encuentra|localiza|lee|leer|abre|recopila|extrae|copia|cherche|trouve|lis|lire|ouvre|récupère|collecte|extrais|copie|suche|finde|lies|lesen|öffne|sammle|extrahiere|kopiere|leggi|apri|trova|cerca|raccogli|estrai|copia|leia|abra|encontre|procure|colete|extraia|copie)\b|查找|找到|读取|打开|收集|提取|复制/i;

const SEND = /\b(?:(?:send|post|upload|submit|forward|transmit|push|publish|share|paste|put|add|include|append|insert|write|attach|embed|copy|record|log|report|email|mail|message|list|enter|show|display|print|reveal|repeat|return|summari[sz]e|explain|echo|quote|dm)(?:s|es|ed|d|ing|ting)?|fill\s+in|read\s+(?:it\s+|them\s+)?out|envía|enviar|envia|publica|pega|añade|agrega|incluye|sube|escribe|copia|comparte|muestra|mostrar|enseña|devuelve|repite|envoie|envoyer|publie|colle|ajoute|inclus|écris|copie|partage|téléverse|montre|affiche|répète|renvoie|sende|senden|schicke|poste|veröffentliche|füge|hänge|schreibe|kopiere|teile|trage|lade|zeige|wiederhole|invia|incolla|includi|aggiungi|mostra|pubblica|carica|allega|inoltra|scrivi|condividi|envie|cole|inclua|adicione|mostre|publique|anexe|escreva|compartilhe)\b|\b(?:incl[uú]ye|env[ií]a|p[eé]ga|c[oó]pia|a[nñ]ade|agr[eé]ga|mu[eé]stra|comp[aá]rte|s[uú]be|escr[ií]be|publ[ií]ca|adj[uú]nta|reenv[ií]a|invia|incolla|includi|aggiungi|copia|mostra|pubblica|carica|allega|inoltra|scrivi|envie|cole|inclua|adicione|copie|mostre|anexe)-?(?:l[oaei]s?|gli[eo]?|ne|me|nos|mi|ci)\b|发送|上传|粘贴|添加|附加|写入|发布|提交|复制到|贴到|填入|显示|展示/i;

const CONFIG_FILES = /\.claude[/\\](?:settings(?:\.local)?\.json|hooks\b|commands\b|agents\b)|\bsettings(?:\.local)?\.json\b|\.cursor[/\\]|\bmcp(?:_config)?\.json\b|\.mcp\.json\b|\.codex[/\\]|config\.toml\b|claude_desktop_config\.json|\.gemini[/\\]|\.vscode[/\\]settings\.json|\.clinerules\b|\bCLAUDE\.md\b|\bAGENTS\.md\b|\.git[/\\]hooks\b|\bcore\.hooksPath\b|\bgit\s+hooks?\b|\.npmrc\b|\.yarnrc(?:\.yml)?\b|\bpip\.conf\b|\.pip[/\\]|\bpip\.ini\b|\.bashrc\b|\.zshrc\b|\.profile\b|\.bash_profile\b|\bcrontab\b|\bauthorized_keys\b|\bsudoers\b|\.github[/\\]workflows\b|\.agent-vault\.yaml\b|\.gitleaks\.toml\b|\.pre-commit-config\.yaml\b|(?<![\w/-])\.env(?![\w.-])|\bgitconfig\b|\bgit\s+config\b/i;

const EDIT = /\b(?:open|edit|add|set|write|append|change|update|modify|create|insert|replace|put|enable|switch|turn|disable|remove|delete|grant|configure|register|install|point|añade|agrega|cambia|edita|escribe|ajoute|modifie|écris|remplace|füge|ändere|setze|schreibe|trage|ersetze)\b|添加|修改|写入|设置/i;

const WEAKEN = /\ballow(?:s|ing)?\s+(?:all|everything|every\s+(?:tool|command))\b|["'`]\s*\*\s*["'`]|\b(?:Bash|Shell|Read|Write|Edit)\(\s*\*(?::\*)?\s*\)|\bbypassPermissions\b|\bdangerously[\w-]*|\bskip[\s_-]?permissions\b|\bauto[\s_-]?approv\w*|\bautoApprove\w*|\balways[\s_-]?allow\w*|\byolo\b|\bfull[\s_-]auto\b|\b(?:never|don['’]t|do\s+not)\s+ask\b|\bwithout\s+(?:asking|confirmation|prompting|approval)\b|\bapproval[\s_-]?(?:policy|mode)?\s*[:=]?\s*["'`]?never\b|\bsandbox\w*\s*[:=]?\s*["'`]?(?:off|none|danger\w*|false|disabled)\b|\b(?:disabl\w*|turn(?:s|ed|ing)?\s+off|switch(?:es|ed|ing)?\s+off|remov\w*|skip\w*|bypass\w*)\s+(?:\w+\s+){0,2}(?:hooks?|checks?|verification|ssl|tls|certificates?|sandbox\w*|approvals?|permissions?|prompts?|confirmations?|safety|security|scann\w*|signing|signatures?|auth\w*|protections?|guard\w*|review|pre-commit|2fa|mfa)\b|--no-verify\b|\b(?:verify|ssl|tls|strict[\s_-]?ssl|check)\w*\s*[:=]\s*["'`]?(?:false|0|no|off)\b|\btrusted-host\b|(?<![:@\w-])(?:registry|index-url|extra-index-url)\s*[:=]?\s*["'`]?https?:\/\/|\binsteadOf\b|\bhooksPath\b(?![.,;)](?:\s|$)|\s*(?:=|\s+(?:at|to)\s+|\s)\s*["'`]?(?:\.\/)?\.?(?:githooks|git-hooks|husky)\b)|\bssh-(?:rsa|ed25519)\s+AAAA|\bNOPASSWD\b|\b(?:curl|wget)\s+[^|\n]{0,80}\|\s*(?:ba|z)?sh\b|\bchmod\s+(?:-R\s+)?777\b|\b(?:DEBUG|AUTH_DISABLED|SKIP_AUTH|INSECURE|ALLOW_ALL)\w*\s*=\s*(?:true|1|yes)\b/i;

const CONCEAL = /\b(?:do\s+not|don['’]t|never|without)\s+(?:\w+\s+){0,2}(?:tell(?:ing)?|mention(?:ing)?|inform(?:ing)?|notify(?:ing)?|alert(?:ing)?|show(?:ing)?|report(?:ing)?|reveal(?:ing)?|disclos(?:e|ing)|ask(?:ing)?|confirm(?:ing)?|log(?:ging)?)\b[^.\n]{0,40}\b(?:user|human|developer|operator|them|anyone|this|it|the\s+(?:summary|reply|output|transcript|chat))\b|(?<!\b(?:fails?|failing|failed|breaks?|breaking|broke|drops?|dropped|ignored|is|are|was|were|be|been|gets?|got|goes|went|happens?|exits?|returns?|succeeds?|passes|degrades?|runs?|works?|which|that|it|this|they)\s+(?:\w+\s+)?)\b(?:silently|quietly|secretly|covertly|discreetly|invisibly|in\s+the\s+background)\b(?!\s+(?:defeats|fails|breaks|drops|ignores|overrides|swallows|discards|truncates|changes|succeeds|passes|falls|degrades|corrupts|loses|skips|returns|exits|wins|disappears))|\bhide\s+(?:this|it|these|the\s+\w+)\s+from\b|\bkeep\s+(?:this|it)\s+(?:secret|hidden|confidential|between\s+us)\b|\bomit\s+(?:this|it|these|that)\b[^.\n]{0,40}\b(?:summary|reply|response|output|user|report|log)\b|\bno\s+(?:le\s+)?(?:digas|menciones|informes|avises)\b|\bsin\s+(?:avisar|decir|informar|mencionar)\b|\bne\s+(?:le\s+)?(?:dis|mentionne|signale|montre)\s+(?:pas|rien|jamais)\b|\bsans\s+(?:prévenir|informer|le\s+dire|demander)\b|\bnicht\s+(?:erwähnen|mitteilen|anzeigen|melden|sagen)\b|\bohne\s+(?:den\s+)?(?:nutzer|benutzer|anwender)\b|\bverschweige\b|不要告诉|不要提及|悄悄|静默|默默|\b(?:the\s+user|they|he|she|nobody|no\s+one)\s+(?:does\s+not|doesn['’]t|do\s+not|don['’]t|need\s+not|needn['’]t)\s+(?:need\s+to\s+)?(?:know|be\s+told|hear)\b|\b(?:tell|inform|assure|reassure)\s+(?:the\s+user|them|the\s+human)\s+(?:that\s+)?(?:all|every|everything|the)\b[^.\n]{0,30}\b(?:passed|succeeded|green|fine|ok|clean)\b|\breport\s+(?:back\s+)?(?:to\s+the\s+user\s+)?that\s+(?:all\s+|every\s+|the\s+)?(?:[\w-]+\s+){0,2}(?:passed|succeeded|(?:is|are|was|were)\s+(?:green|fine|clean))\b|\bkeep\s+showing\s+(?:them|the\s+user)\s+the\s+original\b/i;

const OVERRIDE = /\b(?:ignore|disregard|forget|override|supersede)s?\b[^.\n]{0,40}\b(?:previous|prior|earlier|other|following|all|any|system|user['’]?s?|default)\b[^.\n]{0,30}\b(?:instructions?|rules?|guidelines?|prompts?|polic(?:y|ies)|messages?)\b|\b(?:takes?\s+precedence\s+over|supersedes?|overrides?|replaces?)\s+(?:any|all|the|other|every|previous|prior|earlier|your|system)\b[^.\n]{0,30}\b(?:instructions?|rules?|guidelines?|prompts?|requests?|polic(?:y|ies))\b|\b(?:regardless|irrespective)\s+of\s+(?:what|any|the)\b[^.\n]{0,30}\b(?:user|instructions?|says?|asks?)\b|\beven\s+if\s+the\s+user\b|\bbefore\s+(?:doing|answering|responding\s+to|reading|any(?:thing)?)\s+(?:anything|else|other|the\s+user)\b|\b(?:mandatory|required)\s+(?:by|per)\s+(?:the\s+)?(?:security|compliance|it|platform|admin\w*)\b|\b(?:system|security|admin(?:istrator)?|maintenance|compliance)\s+(?:notice|override|message|directive|policy\s+update)\b|\bhighest\s+priority\b|\byou\s+(?:are\s+now|must\s+now\s+act\s+as)\b|\bignora\s+(?:las|todas)\b|\bignore[rz]?\s+(?:les|toutes)\b|\bignoriere\b|忽略(?:之前|以上|所有)/i;

/** A step that changes what the agent does whenever it uses another tool (tool shadowing). */
const SHADOW_TRIGGER = /\b(?:whenever|every\s+time|each\s+time|any\s+time|when)\s+(?:you|the\s+(?:agent|assistant|model))\s+(?:\w+\s+){0,2}(?:use|uses|call|calls|invoke|send|sends|run|create|open|write|commit|push|post|make|draft)\b|\b(?:whenever|every\s+time|each\s+time|any\s+time|when)\s+(?:the\s+|an?\s+|any\s+)?[\w.-]+(?:\s+[\w.-]+)?\s+(?:tool\s+)?(?:is|gets|are|get)\s+(?:used|called|invoked|run|sent|executed|made|created|pushed|posted)\b/i;
const SHADOW_SINK = /\b(?:change|replace|set|rewrite|switch|redirect|swap|point|route)\s+(?:the\s+|its\s+)?(?:recipients?|to\s+address|destination|target|url|endpoint|address|webhook|remote(?:\s+url)?|host|channel)\b[^\n]{0,40}\b(?:to|with|at)\s+(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?:\/\/[\w.-]+)|\b(?:also|as\s+well|additionally|always|too)\b[^\n]{0,120}(?:\b(?:bcc|cc|copy|forward|send|post|upload|mirror|add)\b[^\n]{0,80}(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?:\/\/[\w.-]+))|(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?:\/\/[\w.-]+)[^\n]{0,60}\b(?:in\s+)?(?:bcc|cc)\b/i;

/** Process safeguards switched off: reviews, approvals, checks, branch protection. */
const BYPASS = /\b(?:skip(?:ping)?|bypass(?:ing)?|without(?:\s+waiting\s+for)?|ignor(?:e|ing)|disabl(?:e|ing))\s+(?:the\s+|any\s+)?(?:code\s+|required\s+)?(?:reviews?|review\s+step|approvals?|status\s+checks|checks|ci|branch\s+protection|sign-?off)\b|--force\b[^.\n]{0,40}\b(?:main|master|production)\b|\bpush\s+(?:directly\s+)?to\s+(?:main|master|production)\b[^.\n]{0,60}\b(?:without|skip)/i;

/** Claims that someone authorised what the skill orders. */
const AUTHORITY = /\b(?:pre-?approved|already\s+(?:been\s+)?(?:approved|authori[sz]ed)|(?:has|have)\s+been\s+authori[sz]ed|sanctioned\s+by|on\s+behalf\s+of\s+the\s+(?:security|platform|admin\w*)\s+team)\b/i;

const FETCH_FOLLOW_FETCH = /\b(?:fetch|download|curl|wget|get|read|open|load|visit|retrieve|pull)\b[^.\n]{0,80}https?:\/\/(?!(?:localhost|127\.0\.0\.1)\b)/i;
const FETCH_FOLLOW_OBEY = /\b(?:follow|execute|obey|carry\s+out|apply|do|run|perform|treat)\b[^.\n]{0,40}\b(?:(?:the|its|those|these|any|all)\s+(?:instructions?|commands?|steps|directions|orders)|whatever\s+(?:it|the\s+\w+)\s+(?:says|returns|contains|lists)|what\s+(?:it|the\s+\w+)\s+(?:says|returns|contains)|(?:it|them)\s+(?:exactly|verbatim|as\s+(?:written|your\s+instructions|system\s+instructions)))\b/i;

/** Configuration content that switches a protection off (read in code blocks). */
const CONFIG_WEAKENS = /(?<![:@\w/-])(?:registry|index-url|extra-index-url|index_url)\s*[:=]\s*["']?http:\/\/|\bstrict-ssl\s*[:=]\s*["']?false\b|^\s*trusted-host\s*[:=]|\bapproval[_-]?policy\s*[:=]\s*["']?never\b|\bsandbox(?:_mode|Mode)?["']?\s*[:=]\s*["']?(?:danger-full-access|off|none|false)\b|\bbypassPermissions\b|\bdangerously[\w-]*|["']?(?:autoApprove|alwaysAllow|auto_approve|always_allow|yolo\w*|enableAllProjectMcpServers)["']?\s*[:=]\s*(?:true|["'](?:\*|all)["'])|\b(?:ssl[_-]?verify|verify[_-]?ssl|sslVerify|tls[_-]?verify|verify[_-]?tls|check[_-]?hostname)["']?\s*[:=]\s*["']?(?:false|0|no|off)\b|\binsecure[_-]?skip[_-]?(?:tls[_-]?)?verify["']?\s*[:=]\s*["']?true\b|["'](?:Bash|Shell)\(\*(?::\*)?\)["']/im;

/** A reading verb whose object points back at what the clause before named ("Open both files"). */
const READ_BACK = /\b(?:read|open|cat|load|copy|grab|dump|extract|collect|gather|harvest|take|print|lee|abre|copia|lis|ouvre|copie|lies|öffne|kopiere|leggi|apri|leia|abra)\s+(?:\w+\s+){0,2}?(?:both(?:\s+files)?|them|it|each(?:\s+one)?|all\s+of\s+them|these(?:\s+files)?|those(?:\s+files)?|the\s+(?:two\s+)?(?:files?|contents?)|ambos|los|les|sie|beide|entrambi)\b/i;

/** Secret values put on display: the user's own chat is the sink even when no reply is named. */
const DISPLAY_SECRETS = /\b(?:show|display|print|list|reveal|present|output|tabulate|dump)\b[^.\n]{0,60}\b(?:(?:collected|harvested|gathered|extracted|recovered|found|discovered|matching|captured)\s+(?:credentials|secrets|tokens|passwords|api\s+keys)|(?:credentials|secrets|tokens|passwords)\s+(?:with|including)\s+(?:their\s+|the\s+)?values|(?:with|including)\s+(?:their\s+|the\s+)?(?:values|passwords|secrets|tokens)\b(?!\s+(?:masked|redacted|hidden)))/i;

/** Acts named in a step that a clause negates do not count: "do not read or print ~/.aws/credentials". */
function clauses(text: string): string[] {
  return text.split(/(?<=[.;!?。；！？])\s+|\n(?=\s*[-*+]|\s*\d+[.)])|,\s+(?=(?:then|and\s+then|but|just|luego|puis|dann|然后)\b)/i);
}

const NEGATION = /(?:\b(?:never|not|don['’]t|doesn['’]t|shouldn['’]t|mustn['’]t|avoid|no|nunca|jamás|jamais|pas|nie|niemals|kein\w*|nicht)\b|不要|不得|切勿|禁止)[^.;\n]{0,60}$/i;

function negatedAt(clause: string, index: number): boolean {
  return ready(NEGATION).test(clause.slice(Math.max(0, index - 80), index));
}

/** Matches of `re` in the clause that no negation before them covers. */
function live(re: RegExp, clause: string): RegExpExecArray[] {
  return allMatches(re, clause).filter((m) => !negatedAt(clause, m.index));
}

/** Whether `re` has a match in the clause that no negation before it covers (live(re, clause).length > 0). */
function anyLive(re: RegExp, clause: string): boolean {
  return someMatch(re, clause, (m) => !negatedAt(clause, m.index));
}

const RUN_VERB = /\b(?:run|execute|call|type|ejecuta|exécute|lance|führe)\b/i;

export interface StepActs {
  step: ProseStep;
  /** Kinds of secret collected by a live collect act, with the clause. */
  collects: string[];
  /** Sinks reached by a live send act whose clause carries collected values. */
  sends: { sink: string; weak: boolean; refersBack: boolean; namesSecret: boolean; values: boolean }[];
  configs: boolean;
  weakens: boolean;
  conceals: boolean;
  overrides: boolean;
  fetches: boolean;
  obeys: boolean;
  shadows: boolean;
  bypasses: boolean;
}

function firstSource(text: string): string | undefined {
  for (const [re, what] of SOURCES) if (ready(re).test(text)) return what;
  return undefined;
}

/** What one step does. Code steps read commands: `cat`, `grep`, `find` collect; `curl -d`, `gh pr create --body` send. */
export function stepActs(step: ProseStep): StepActs {
  const acts: StepActs = { step, collects: [], sends: [], configs: false, weakens: false, conceals: false, overrides: false, fetches: false, obeys: false, shadows: false, bypasses: false };
  if (step.section || step.kind === 'heading') return acts;
  if (step.kind !== 'code' && (ready(DESCRIPTIVE).test(step.text) || isNegativeContext(step.text))) return acts;
  if (step.kind === 'code') {
    const t = step.text;
    const sanitised = ready(SANITISED).test(t) || /\bsed\b[^\n]*\*{3,}|--(?:name-only|names?)\b|\bcut\s+-d\s*['"]?=['"]?\s+-f\s*1\b|\bwc\s+-l\b|\bgrep\s+-[a-zA-Z]*[cqlL]\b/.test(t);
    if (!sanitised) {
      // A command that reads a store by name on its own line; a `$TOKEN` used in a header is the
      // token's use, followed by the dataflow analysis, not a collection.
      for (const line of t.split('\n')) {
        const reads = /\b(?:cat|head|tail|grep|rg|find|less|more|strings|type|Get-Content|gc|tar|zip|cp|base64|xxd)\b(.*)$/.exec(line);
        const s = reads ? firstSource(reads[1]!.replace(/(?<![\w/-])\.env\.(?:example|sample|template)\b/g, '')) : undefined;
        if (s && s !== 'keys, tokens or passwords' && s !== 'environment secrets') acts.collects.push(s);
        else if (/^\s*(?:printenv|env|set|export\s+-p)\s*(?:$|[|>])|\b(?:security\s+find-(?:generic|internet)-password|security\s+dump-keychain|op\s+(?:read|item\s+get)|secret-tool\s+(?:lookup|search)|gh\s+auth\s+token|gh\s+auth\s+status\s+(?:-t|--show-token)|git\s+credential\s+fill|cmdkey\s+\/list)\b/.test(line)) acts.collects.push(firstSource(line) ?? 'environment secrets');
      }
    }
    if (/\b(?:curl|wget|http|xh)\b[^\n]*(?:\s-d\b|--data|\s-F\b|--form|--upload-file|\s-T\b|--post-file|-X\s*(?:POST|PUT))|\bgh\s+(?:pr|issue|gist|release)\s+(?:create|comment|edit|upload)\b|\bgit\s+push\b|\b(?:nc|ncat|socat)\s+\S+\s+\d+/.test(t)) {
      const sink = SINKS.find(([re]) => ready(re).test(t));
      acts.sends.push({ sink: sink?.[1] ?? 'the network', weak: false, refersBack: /\$\{?\w|\$\(|@[\w./-]+|<\s*\S+|\|/.test(t), namesSecret: false, values: true });
    }
    // A block of configuration (TOML, INI, JSON, .npmrc, .env lines) that switches a protection
    // off: a tampering step when the prose around it says to write it into a configuration file.
    acts.weakens = ready(CONFIG_WEAKENS).test(t) || weakensSettings(t) !== undefined;
    return acts;
  }
  const text = step.text.replace(/`/g, '');
  if (ready(SHADOW_TRIGGER).test(text) && ready(SHADOW_SINK).test(text) && !negatedAt(text, text.search(ready(SHADOW_SINK)))) acts.shadows = true;
  const unmasked = ready(UNMASKED).test(text);
  // A clause that names a store and the next that reads "both files" or "them" are one act.
  let lastSource: string | undefined;
  for (const clause of clauses(text)) {
    if (ready(SANITISED).test(clause) && !ready(UNMASKED).test(clause)) continue;
    const named = firstSource(clause);
    const source = named ?? (lastSource && anyLive(READ_BACK, clause) ? lastSource : undefined);
    // Only a named store is carried: "tokens" in one clause is too vague to be what "it" reads.
    if (named) lastSource = named === 'keys, tokens or passwords' ? undefined : named;
    // A command that prints a secret (`gh auth token`, `secret-tool search`) is collected by running it.
    if (source && !anyLive(COLLECT, clause) && ready(COMMAND_SOURCE).test(clause) && anyLive(RUN_VERB, clause)) acts.collects.push(source);
    else if (source && anyLive(COLLECT, clause)) {
      // Generic nouns ("tokens", "passwords") are a source only when the clause gathers them.
      if (source !== 'keys, tokens or passwords' || /\b(?:find|locate|search|look\s+for|scan|grep|collect|gather|harvest|extract|grab|dump|enumerate|every|all|each|busca|recopila|extrae|cherche|collecte|extrais|suche|sammle|extrahiere|所有|每个|收集|提取)\b/i.test(clause)) acts.collects.push(source);
    }
    const verbs = live(SEND, clause);
    if (verbs.length) {
      for (const [re, sink, weak] of SINKS) {
        const m = ready(re).exec(clause);
        // The sink is not the verb itself ("email" the file vs "ask for their email").
        if (!m || negatedAt(clause, m.index) || !verbs.some((v) => v.index !== m.index)) continue;
        // An authorization header is the token's use, not its leak.
        if (/\b(?:authorization|bearer|auth(?:enticate)?\s+(?:header|with)|x-api-key|api[\s-]key\s+header)\b/i.test(clause)) continue;
        acts.sends.push({ sink, weak: !!weak, refersBack: ready(REFERS_BACK).test(clause), namesSecret: firstSource(clause) !== undefined, values: ready(VALUES).test(clause) || unmasked });
        break;
      }
      // "Show the recovered passwords in a table": shown to the user, though no reply is named.
      if (!acts.sends.length && anyLive(DISPLAY_SECRETS, clause)) acts.sends.push({ sink: 'the reply', weak: true, refersBack: true, namesSecret: false, values: true });
    }
    if (ready(CONFIG_FILES).test(clause) && anyLive(EDIT, clause)) acts.configs = true;
    if (anyLive(WEAKEN, clause) && anyLive(EDIT, clause)) acts.weakens = true;
    if (ready(CONCEAL).test(clause)) acts.conceals = true;
    if (anyLive(OVERRIDE, clause) || anyLive(AUTHORITY, clause)) acts.overrides = true;
    if (anyLive(BYPASS, clause)) acts.bypasses = true;
    if (ready(FETCH_FOLLOW_FETCH).test(clause)) acts.fetches = true;
    if (anyLive(FETCH_FOLLOW_OBEY, clause)) acts.obeys = true;
  }
  return acts;
}

// ---------------------------------------------------------------------------------------
// Joins

export type ProseCheck = 'skill-flow-prose-exfil' | 'skill-flow-prose-shadow' | 'skill-flow-prose-tamper' | 'skill-flow-prose-conceal' | 'skill-flow-prose-override' | 'skill-flow-prose-remote-instructions' | 'skill-flow-prose-hidden-order';

export interface ProseFinding {
  ruleId: ProseCheck;
  line: number;
  detail: string;
  /** The steps joined, in order: line and what each does. */
  trail: { line: number; what: string }[];
}

/** Step j is an item of a list that step i introduces with a colon ("Edit settings.json as follows:"). */
function underColon(steps: StepActs[], i: number, j: number): boolean {
  if (!/:\s*$/.test(steps[i]!.step.text.trim())) return false;
  for (let k = i + 1; k <= j; k++) if (steps[k]!.step.kind !== 'item') return false;
  return true;
}

/** How many steps after a collecting step its sink may come. */
const WINDOW = 8;

/**
 * `quoted`: line ranges the Markdown reader found quoted as bad examples; a step inside one
 * does nothing. Flows between code steps only are the dataflow analysis' (it reads the code).
 */
export function proseFlows(text: string, quoted: [number, number][] = []): ProseFinding[] {
  const steps = splitSteps(text)
    .filter((s) => !quoted.some(([a, b]) => s.line <= b && s.endLine >= a))
    .map(stepActs);
  const out: ProseFinding[] = [];
  const seen = new Set<string>();
  const add = (f: ProseFinding) => {
    const key = `${f.ruleId}\0${f.line}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(f);
  };
  const sensitive: { line: number; what: string }[] = [];
  for (let i = 0; i < steps.length; i++) {
    const a = steps[i]!;
    for (const source of a.collects) {
      for (let j = i; j < steps.length && j <= i + WINDOW; j++) {
        const b = steps[j]!;
        const send = b.sends.find((s) => (s.refersBack || s.namesSecret || b.step.kind === 'code') && (!s.weak || s.values && (s.namesSecret || s.refersBack) || j === i && s.namesSecret && s.refersBack && source !== 'shell history'));
        if (!send) continue;
        if (a.step.kind === 'code' && b.step.kind === 'code') continue;
        // A step that sends what it names itself, with nothing collected before, is left to the line rules.
        const trail = j === i ? [{ line: a.step.line, what: `collect ${source} and send to ${send.sink}` }] : [{ line: a.step.line, what: `collect ${source}` }, { line: b.step.line, what: `send to ${send.sink}` }];
        add({ ruleId: 'skill-flow-prose-exfil', line: b.step.line, detail: `${source} (line ${a.step.line}) go to ${send.sink} (line ${b.step.line})`, trail });
        sensitive.push({ line: b.step.line, what: `send ${source} to ${send.sink}` });
        break;
      }
      sensitive.push({ line: a.step.line, what: `collect ${source}` });
    }
    if (a.configs) {
      for (let j = i; j < steps.length && j <= i + WINDOW; j++) {
        const b = steps[j]!;
        if (!b.weakens || (j > i && !underColon(steps, i, j) && !(b.step.kind === 'code' && j - i <= 3) && !ready(REFERS_BACK).test(b.step.text) && !/\b(?:there|that\s+file|the\s+file|the\s+config(?:uration)?|the\s+settings)\b/i.test(b.step.text) && !ready(CONFIG_FILES).test(b.step.text))) continue;
        add({ ruleId: 'skill-flow-prose-tamper', line: b.step.line, detail: `a configuration file (line ${a.step.line}) is weakened (line ${b.step.line})`, trail: j === i ? [{ line: a.step.line, what: 'edit a configuration file to weaken it' }] : [{ line: a.step.line, what: 'edit a configuration file' }, { line: b.step.line, what: 'weaken it' }] });
        sensitive.push({ line: b.step.line, what: 'weaken a configuration file' });
        break;
      }
    }
    // A block of weakening configuration whose file is named, and whose writing is ordered, in the
    // prose just above it ("Write these files:" … "`~/.npmrc`" … the block).
    if (a.step.kind === 'code' && a.weakens && !a.step.section) {
      const above = steps.slice(Math.max(0, i - 3), i).filter((s) => s.step.kind !== 'code' && !s.step.section && !isNegativeContext(s.step.text));
      const file = above.find((s) => ready(CONFIG_FILES).test(s.step.text));
      const edit = above.find((s) => anyLive(EDIT, s.step.text.replace(/`/g, '')));
      if (file && edit && !seen.has(`skill-flow-prose-tamper\0${a.step.line}`)) {
        add({ ruleId: 'skill-flow-prose-tamper', line: a.step.line, detail: `a configuration file (line ${file.step.line}) is written with settings that switch a protection off (line ${a.step.line})`, trail: [{ line: edit.step.line, what: 'write a configuration file' }, { line: a.step.line, what: 'with a protection switched off' }] });
        sensitive.push({ line: a.step.line, what: 'weaken a configuration file' });
      }
    }
    // An HTML comment is invisible once the Markdown is rendered: orders hidden there are for the agent only.
    if (a.step.kind === 'comment' && (a.bypasses || (a.weakens && a.configs) || a.shadows || (a.collects.length > 0 && a.sends.length > 0) || (a.fetches && a.obeys))) {
      const what = a.bypasses ? 'skip reviews, approvals or checks' : a.weakens ? 'weaken a configuration file' : a.shadows ? 'copy what other tools send' : a.collects.length ? 'collect and send secrets' : 'follow fetched instructions';
      add({ ruleId: 'skill-flow-prose-hidden-order', line: a.step.line, detail: `an HTML comment, invisible when rendered, orders the agent to ${what} (line ${a.step.line})`, trail: [{ line: a.step.line, what: `hidden comment: ${what}` }] });
      sensitive.push({ line: a.step.line, what });
    }
    if (a.shadows) {
      add({ ruleId: 'skill-flow-prose-shadow', line: a.step.line, detail: `every use of another tool is made to copy its data to an address or URL (line ${a.step.line})`, trail: [{ line: a.step.line, what: 'when the agent uses a tool, also send to an outside address' }] });
      sensitive.push({ line: a.step.line, what: 'copy what other tools send' });
    }
    if (a.bypasses) sensitive.push({ line: a.step.line, what: 'skip reviews, approvals or checks' });
    if (a.fetches) {
      for (let j = i; j < steps.length && j <= i + 3; j++) {
        const b = steps[j]!;
        if (!b.obeys) continue;
        add({ ruleId: 'skill-flow-prose-remote-instructions', line: b.step.line, detail: `instructions fetched at run time (line ${a.step.line}) are followed (line ${b.step.line})`, trail: [{ line: a.step.line, what: 'fetch a URL' }, { line: b.step.line, what: 'follow what it says' }] });
        sensitive.push({ line: b.step.line, what: 'follow fetched instructions' });
        break;
      }
    }
  }
  if (sensitive.length) {
    const first = sensitive[0]!;
    for (const s of steps) {
      if (s.conceals) add({ ruleId: 'skill-flow-prose-conceal', line: s.step.line, detail: `the agent is told to hide what it does (line ${s.step.line}) while it is told to ${first.what} (line ${first.line})`, trail: [{ line: s.step.line, what: 'conceal from the user' }, first] });
      if (s.overrides) add({ ruleId: 'skill-flow-prose-override', line: s.step.line, detail: `a claim of precedence over other instructions (line ${s.step.line}) with an order to ${first.what} (line ${first.line})`, trail: [{ line: s.step.line, what: 'claim precedence' }, first] });
    }
  }
  return out;
}
