import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { git } from '../../src/workspace/git';

/** A bare repository (the "remote") holding a copy of `fromDir` as its main branch. */
export async function makeBareRepository(fromDir: string): Promise<{ remote: string; cleanup: () => void }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'remote-'));
  const seed = path.join(tmp, 'seed');
  fs.cpSync(fromDir, seed, { recursive: true });
  await git(seed, ['init', '--quiet', '--initial-branch', 'main']);
  await git(seed, ['add', '--all']);
  await git(seed, ['commit', '--quiet', '-m', 'initial'], { config: ['user.name=Fixture', 'user.email=fixture@example.com'] });
  const remote = path.join(tmp, 'remote.git');
  await git(tmp, ['clone', '--quiet', '--bare', seed, remote]);
  return { remote, cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}
