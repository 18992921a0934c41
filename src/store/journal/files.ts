/** Small file helpers for the journal's files outside the database: atomic, durable rewrites. */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Thrown on a register name that cannot be used as a file name (French message). */
export class RegisterNameError extends Error {
  override name = 'RegisterNameError';
}

/** A register's journal name as used in file names: letters, digits, `_` and `-`, 1 to 32. */
export function checkRegisterName(register: string): string {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(register)) {
    throw new RegisterNameError(`Nom de caisse invalide pour le journal : « ${register} ».`);
  }
  return register;
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse to open a directory for fsync; the rename is still atomic.
  }
}

/**
 * Replaces `file` with `content` so that a reader sees the old or the new content, never a mix, and
 * the new content survives a crash once this returns: write a temporary file, fsync it, rename it
 * over the old one, fsync the directory.
 */
export function writeFileAtomic(file: string, content: string, mode = 0o644): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  fsyncDir(dirname(file));
}
