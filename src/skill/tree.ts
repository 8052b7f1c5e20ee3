import { lstatSync, readFileSync, readdirSync, readlinkSync, realpathSync, type Dirent } from 'node:fs';
import { join, posix } from 'node:path';
import { buildManifest, contentDigest, pathProblem, sha256Hex, SIGNATURE_FILE, type Manifest, type ManifestEntry } from './avt1.js';
import { skillFailure } from './codes.js';

/** One file of a skill folder, with its bytes (for scanning) and its manifest entry. */
export interface SkillFile extends ManifestEntry {
  abs: string;
  /** Raw bytes for regular files; undefined for symlinks. */
  bytes: Buffer | undefined;
  /** For symlinks: the link target as written. */
  target?: string;
}

export interface SkillTree {
  root: string;
  files: SkillFile[];
  manifest: Manifest;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Walk a skill folder and build its avt1 manifest. Every file counts, hidden ones too;
 * no ignore file inside the skill is honoured; only the root SKILL.sig is left out.
 * Symlinks are recorded, never followed, and rejected when they point outside the folder.
 */
export function readSkillTree(root: string): SkillTree {
  const problems: string[] = [];
  const files: SkillFile[] = [];
  let realRoot: string;
  try {
    realRoot = realpathSync.native(root);
  } catch (e) {
    throw skillFailure('SKILL_NOT_FOUND', `cannot open skill folder ${root}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const walk = (absDir: string, relDir: string) => {
    let dirents: Dirent<Buffer>[];
    try {
      dirents = readdirSync(absDir, { withFileTypes: true, encoding: 'buffer' });
    } catch (e) {
      problems.push(`${relDir || '.'}: cannot list folder (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
      return;
    }
    for (const d of dirents) {
      let name: string;
      try {
        name = utf8.decode(d.name);
      } catch {
        problems.push(`${relDir ? relDir + '/' : ''}${d.name.toString('latin1')}: name is not valid UTF-8`);
        continue;
      }
      const rel = relDir ? `${relDir}/${name}` : name;
      const abs = join(absDir, name);
      const bad = pathProblem(rel);
      if (bad) {
        problems.push(`${JSON.stringify(rel)}: ${bad}`);
        continue;
      }
      if (rel === SIGNATURE_FILE) continue;
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) {
        const target = readlinkSync(abs, { encoding: 'buffer' });
        const targetText = target.toString('utf8');
        const problem = symlinkProblem(rel, targetText, abs, realRoot);
        if (problem) problems.push(`${JSON.stringify(rel)}: ${problem}`);
        else files.push({ path: rel, type: 'l', sha256: sha256Hex(target), abs, bytes: undefined, target: targetText });
      } else if (st.isDirectory()) {
        walk(abs, rel);
      } else if (st.isFile()) {
        let bytes: Buffer;
        try {
          bytes = readFileSync(abs);
        } catch (e) {
          problems.push(`${JSON.stringify(rel)}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
          continue;
        }
        // Any execute bit marks an executable, the way git records 100755.
        files.push({ path: rel, type: st.mode & 0o111 ? 'x' : 'f', sha256: contentDigest(bytes), abs, bytes });
      } else {
        problems.push(`${JSON.stringify(rel)}: not a regular file, folder or symlink`);
      }
    }
  };
  const st = lstatSync(realRoot);
  if (!st.isDirectory()) throw skillFailure('SKILL_NOT_FOUND', `${root} is not a folder`, 'Give the folder that holds SKILL.md.');
  walk(realRoot, '');
  if (problems.length) {
    throw skillFailure('SKILL_TREE_REJECTED', `the skill folder ${root} cannot be hashed safely:\n  ${problems.join('\n  ')}`, 'Rename or remove the files named above; a skill must be portable and self-contained.');
  }
  const manifest = buildManifest(files);
  // buildManifest NFC-normalises and sorts; keep files in the same order.
  const byPath = new Map(files.map((f) => [f.path.normalize('NFC'), f]));
  const ordered = manifest.entries.map((e) => ({ ...byPath.get(e.path)!, path: e.path }));
  return { root: realRoot, files: ordered, manifest };
}

function symlinkProblem(rel: string, target: string, abs: string, realRoot: string): string | undefined {
  if (target.includes('\0') || target.includes('\n')) return 'symlink target contains NUL or newline';
  if (target.startsWith('/') || /^[A-Za-z]:[\\/]/.test(target) || target.includes('\\')) return `symlink to an absolute or Windows path (${target})`;
  const lexical = posix.normalize(posix.join(posix.dirname(rel), target));
  if (lexical === '..' || lexical.startsWith('../')) return `symlink leaves the skill folder (${target})`;
  // A lexically inside target can still escape through another link on the way; the
  // native realpath resolves links in order (the JS one folds ".." first and misses it).
  try {
    const real = realpathSync.native(abs);
    if (real !== realRoot && !real.startsWith(realRoot + '/')) return `symlink resolves outside the skill folder (${target})`;
  } catch {
    // A dangling link that stays inside is harmless: it is recorded by its target.
  }
  return undefined;
}
