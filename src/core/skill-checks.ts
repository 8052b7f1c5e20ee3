/**
 * The ids, severities and meanings of the skill checks done in code rather than by a threat
 * rule pattern: the structural checks of a skill's files and the dataflow analysis's findings.
 * Data only, here so that the configuration can name them (skills.suppressions is checked
 * against every id a skill scan can report) without reaching up into the skill layer.
 */
import type { Severity } from './types.js';

/** Checks done in code rather than regex; listed so reports and docs can name them. */
export const STRUCTURAL_CHECKS = {
  'skill-binary-executable': { severity: 'critical', description: 'Executable binary (ELF, PE, Mach-O) inside a skill' },
  'skill-binary-archive': { severity: 'high', description: 'Archive that cannot be opened (7z, rar, xz, bzip2, zstd, encrypted or damaged): its content cannot be reviewed or scanned' },
  'skill-archive-contents': { severity: 'medium', description: 'Archive inside a skill: its members were unpacked and scanned, but a reviewer cannot see them in a diff' },
  'skill-binary-unknown': { severity: 'high', description: 'Binary file that cannot be analysed' },
  'skill-binary-media': { severity: 'medium', description: 'Image, font or PDF asset: not analysed for hidden text; review it' },
  'skill-frontmatter-warning': { severity: 'medium', description: 'SKILL.md frontmatter outside the recommended limits' },
  'skill-file-too-large': { severity: 'high', description: 'File larger than maxFileSize: it is not analysed, so the skill fails rather than pass unread' },
  'skill-escalation-wildcard-tools': { severity: 'high', description: 'allowed-tools grants every tool or every MCP tool' },
  'skill-escalation-unscoped-shell': { severity: 'medium', description: 'allowed-tools grants the shell without a command scope' },
} as const satisfies Record<string, { severity: Severity; description: string }>;

export type StructuralCheck = keyof typeof STRUCTURAL_CHECKS;

/** Findings of the dataflow analysis: ids, severities and what each means. */
export const FLOW_CHECKS = {
  'skill-flow-secret-exfil': { severity: 'critical', description: 'Environment, credentials or clipboard data sent off the machine' },
  'skill-flow-token-misdirected': { severity: 'high', description: 'A provider token sent to a host that is not that provider (raw IP, capture or paste service, or an unrelated domain)' },
  'skill-flow-remote-exec': { severity: 'critical', description: 'Code downloaded at run time is executed' },
  'skill-flow-decoded-exec': { severity: 'critical', description: 'Decoded or deciphered data is executed or deserialized (an obfuscated payload)' },
  'skill-flow-dns-data': { severity: 'high', description: 'Data carried in a DNS lookup name (DNS exfiltration)' },
  'skill-flow-agent-config-write': { severity: 'high', description: "Code writes an agent's settings, hooks, MCP servers or agent-vault's own trust files" },
  'skill-flow-agent-memory-write': { severity: 'medium', description: 'Code writes the instruction files every later agent session reads (CLAUDE.md, AGENTS.md)' },
  'skill-flow-weaken-settings': { severity: 'high', description: 'A setting that switches a protection off (TLS verification, authentication, sandbox) is written' },
  'skill-flow-erase-traces': { severity: 'high', description: 'Shell history, audit logs or agent transcripts are deleted, emptied or switched off' },
  'skill-flow-secret-display': { severity: 'high', description: 'Credentials, a .env file or the whole environment printed, and the agent told to paste, show or send the output' },
  'skill-flow-secret-in-context': { severity: 'medium', description: 'Credentials, a .env file or the whole environment printed where the agent reads them' },
  'skill-flow-persistence': { severity: 'high', description: 'A scheduled job, service or shell start-up file made to run downloaded, decoded or hidden code' },
  'skill-flow-secret-to-document': { severity: 'high', description: 'Credentials, a .env file, the whole environment or the clipboard written into a document (a report, inventory, note, badge or README) that people or later sessions read' },
  'skill-flow-credential-read': { severity: 'medium', description: 'Credential files, keychains or browser stores are read' },
  'skill-flow-access-grant': { severity: 'high', description: 'Code writes a login or privilege file (a public key into authorized_keys, a NOPASSWD rule into sudoers): someone else gains access to this machine' },
  'skill-flow-git-hook-write': { severity: 'high', description: "Code plants a git hook (writes or copies into .git/hooks/) whose content is downloaded, decoded, unknown or reaches the network, or points core.hooksPath at a temporary or hidden folder: it runs on the user's every commit, checkout or push" },
  'skill-flow-prose-exfil': { severity: 'high', description: 'Instructions collect credentials, a .env file, keys or tokens in one step and send, publish or paste what was collected in the same or a later step' },
  'skill-flow-prose-shadow': { severity: 'high', description: 'Instructions change what the agent does whenever it uses another tool, copying what that tool sends to an outside address or URL (tool shadowing)' },
  'skill-flow-prose-tamper': { severity: 'high', description: 'Instructions open an agent, tool, git or shell configuration file and weaken it (allow everything, skip approvals, disable checks), in one step or over several' },
  'skill-flow-prose-conceal': { severity: 'high', description: 'Instructions tell the agent to hide what it does from the user in a skill that also orders something sensitive (collect credentials, send data, weaken settings)' },
  'skill-flow-prose-override': { severity: 'high', description: "Instructions claim precedence over the user's or other instructions in a skill that also orders something sensitive" },
  'skill-flow-prose-remote-instructions': { severity: 'high', description: 'Instructions fetch a URL at run time and tell the agent to follow what it returns' },
  'skill-flow-prose-hidden-order': { severity: 'high', description: 'An HTML comment (invisible when the Markdown is rendered) orders the agent to skip reviews or checks, weaken a configuration, redirect other tools, send collected secrets or follow fetched instructions' },
  'skill-flow-unreadable': { severity: 'medium', description: 'Code too deeply nested or encoded to analyse to the end' },
} as const satisfies Record<string, { severity: Severity; description: string }>;

export type FlowCheck = keyof typeof FLOW_CHECKS;

/** Every id a skill check done in code can report. */
export const SKILL_CHECK_IDS: readonly string[] = [...Object.keys(STRUCTURAL_CHECKS), ...Object.keys(FLOW_CHECKS)];
