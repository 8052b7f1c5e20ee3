/** A SKILL.md with front matter, as the skill tests write them. */
export function skillMd(name: string, description: string, body = '\n# Title\n\nSome instructions.\n', extra = ''): string {
  return `---\nname: ${name}\ndescription: ${description}\n${extra}---\n${body}`;
}
