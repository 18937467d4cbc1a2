// What git knows about a run: the commit it ran on (recorded in its raw JSON), and the commits to
// the code between two runs, for the report's "What changed". git is optional: without it, or
// without the history (a shallow clone), these say so instead of throwing.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/** The code: everything but the docs and the raw results, which a run writes itself. */
export const CODE_PATHSPEC = ['.', ':(exclude)docs', ':(exclude)bench/results'];

export interface GitState {
  commit: string;
  /** The code had uncommitted changes when the run started. */
  dirty: boolean;
  /** Those files, as `git status --porcelain` names them. */
  uncommitted: string[];
}

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** HEAD and the uncommitted code files, taken when a run starts; undefined without git. */
export function gitState(): GitState | undefined {
  try {
    const commit = git(['rev-parse', 'HEAD']).trim();
    // Not trimmed as a whole: the first line's status column may start with a space.
    const files = git(['status', '--porcelain', '--', ...CODE_PATHSPEC])
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(3));
    return { commit, dirty: files.length > 0, uncommitted: files };
  } catch {
    return undefined;
  }
}

/**
 * For runs from before the commit was recorded: the commit that added the run's raw JSON
 * (results are committed after the run, on top of the code it ran).
 */
export function commitThatAdded(resultsDir: string, stamp: string): string | undefined {
  const rel = path.relative(ROOT, resultsDir);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  try {
    const out = git(['log', '--diff-filter=A', '--no-renames', '--format=%H', '-1', '--', `${rel}/${stamp}-*.json`]).trim();
    return out || undefined;
  } catch {
    return undefined;
  }
}

/** `git log` of the code from `from` (exclusive) to `to`, newest first, or why it cannot be had. */
export function codeCommitsBetween(from: string, to: string): { commits: string[] } | { unavailable: string } {
  try {
    git(['rev-parse', '--git-dir']);
  } catch {
    return { unavailable: 'git or the repository is not available here' };
  }
  for (const c of [from, to]) {
    try {
      git(['cat-file', '-e', `${c}^{commit}`]);
    } catch {
      return {
        unavailable: `commit ${c.slice(0, 7)} is not in this clone's history (a shallow clone? \`git fetch --unshallow\` brings it)`,
      };
    }
  }
  try {
    const out = git(['log', '--format=%h %s', `${from}..${to}`, '--', ...CODE_PATHSPEC]);
    return { commits: out.split('\n').filter(Boolean) };
  } catch (err) {
    return { unavailable: `git log failed: ${(err as Error).message.split('\n')[0]}` };
  }
}
