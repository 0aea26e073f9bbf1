/**
 * A submission is one student's work: a capture file, or a folder of captures analysed together
 * (issue 6). Files in a folder are recognized as captures by their magic bytes (pcap in either
 * byte order and resolution, pcapng, gzip), not by name; other files are noted and skipped.
 */
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';

export interface Submission {
  /** The student's name as shown in gradebooks: the folder name, or the file name without capture extensions. */
  name: string;
  path: string;
  /** Capture files to analyse together, in path order. */
  captures: string[];
  /** Files skipped, and why, in plain words. */
  notes: string[];
  /** Why nothing could be graded (missing path, empty folder); the submission then scores 0. */
  error?: string;
}

/** Limits on what one folder may hold: a student's homework, not a file system. */
export const MAX_DEPTH = 4;
export const MAX_FILES = 1000;

const MAGIC = new Set([
  'a1b2c3d4', 'd4c3b2a1', // pcap, microseconds
  'a1b23c4d', '4d3cb2a1', // pcap, nanoseconds
  '0a0d0d0a', // pcapng section header block
]);

/** Capture by magic bytes: pcap, pcapng, or gzip (1f 8b, whose contents the reader checks). */
async function looksLikeCapture(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return true;
    return bytesRead === 4 && MAGIC.has(head.toString('hex'));
  } finally {
    await handle.close();
  }
}

export function submissionName(path: string): string {
  const base = basename(path.replace(/[\\/]+$/, ''));
  const stripped = base.replace(/(\.(pcapng|pcap|cap|dmp))?(\.gz)?$/i, '');
  return stripped === '' ? base : stripped;
}

/**
 * Where a symbolic link in the submission may lead: to a regular file inside the submission folder
 * (a student who links their capture from elsewhere in the folder is graded), never outside it (a
 * link to /etc/passwd or to another student's folder must not make the grader read that file).
 */
async function followLink(path: string, realRoot: string, shown: string): Promise<{ file: string } | { refused: string }> {
  let target: string;
  try {
    target = await realpath(path);
  } catch (e) {
    return { refused: `refused ${shown}: a symbolic link that leads nowhere (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (target !== realRoot && !target.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) {
    return { refused: `refused ${shown}: a symbolic link to ${target}, outside the submission folder` };
  }
  const info = await stat(target);
  if (!info.isFile()) return { refused: `refused ${shown}: a symbolic link to something other than a regular file` };
  // The resolved path is what gets read, so the link cannot be swapped for another after the check.
  return { file: target };
}

interface Walk {
  files: string[];
  notes: string[];
  root: string;
  realRoot: string;
  /** Real paths already taken, so a link to a capture in the folder does not count it twice. */
  seen: Map<string, string>;
}

async function walk(dir: string, depth: number, w: Walk): Promise<void> {
  const { files, notes, root } = w;
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (files.length + notes.length >= MAX_FILES) {
      notes.push(`stopped after ${MAX_FILES} files`);
      return;
    }
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth < MAX_DEPTH) await walk(path, depth + 1, w);
      else notes.push(`skipped ${relative(root, path)}/: folders nested deeper than ${MAX_DEPTH} levels`);
    } else if (entry.isFile() || entry.isSymbolicLink()) {
      let read = path;
      if (entry.isSymbolicLink()) {
        const followed = await followLink(path, w.realRoot, relative(root, path));
        if ('refused' in followed) {
          notes.push(followed.refused);
          continue;
        }
        read = followed.file;
      }
      const real = entry.isSymbolicLink() ? read : await realpath(path);
      const first = w.seen.get(real);
      if (first !== undefined) {
        notes.push(`skipped ${relative(root, path)}: the same file as ${first}`);
        continue;
      }
      w.seen.set(real, relative(root, path));
      let capture = false;
      try {
        capture = await looksLikeCapture(read);
      } catch (e) {
        notes.push(`skipped ${relative(root, path)}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
        continue;
      }
      if (capture) files.push(read);
      else notes.push(`skipped ${relative(root, path)}: not a capture file`);
    }
  }
}

/** Finds the captures of one submission. Never rejects: problems end up in `error` or `notes`. */
export async function collectSubmission(path: string): Promise<Submission> {
  const name = submissionName(path);
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    return { name, path, captures: [], notes: [], error: `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (!info.isDirectory()) return { name, path, captures: [path], notes: [] };
  const captures: string[] = [];
  const notes: string[] = [];
  try {
    await walk(path, 1, { files: captures, notes, root: path, realRoot: await realpath(path), seen: new Map() });
  } catch (e) {
    return { name, path, captures: [], notes, error: `${path}: cannot list folder (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (captures.length === 0) return { name, path, captures, notes, error: `${path}: no capture files in the folder` };
  return { name, path, captures, notes };
}

/** Makes names unique in input order: a second "alice" becomes "alice-2". */
export function uniqueNames(names: readonly string[]): string[] {
  const used = new Map<string, number>();
  return names.map((name) => {
    const n = (used.get(name) ?? 0) + 1;
    used.set(name, n);
    return n === 1 ? name : `${name}-${n}`;
  });
}
