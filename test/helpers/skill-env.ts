/** A SKILL.md with front matter, as the skill tests write them. */
export function skillMd(name: string, description: string, body = '\n# Title\n\nSome instructions.\n', extra = ''): string {
  return `---\nname: ${name}\ndescription: ${description}\n${extra}---\n${body}`;
}

// Older call shapes (see legacy.ts).
export { BIN as CLI, REPO as ROOT, writeFiles, type Sandbox } from './sandbox.js';
export { av, avTty, gitText as git, skillSandbox as sandbox, type StatusRun as Run } from './legacy.js';
