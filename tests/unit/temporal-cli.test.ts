import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOrBuildTemporalCli, locateTemporalCli, TemporalCliNotFoundError } from '../../src/temporal/cli';
import { searchAttributeArgs } from '../../src/temporal/dev-server';

function fakeBinary(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'temporal');
  fs.writeFileSync(file, '#!/bin/sh\necho fake\n', { mode: 0o755 });
  return file;
}

describe('locating the Temporal CLI', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const emptyEnv = (extra: NodeJS.ProcessEnv = {}) => ({ PATH: '', HOME: tmp, ...extra });

  it('prefers TEMPORAL_CLI_PATH and refuses a wrong one with a clear message', async () => {
    const explicit = fakeBinary(path.join(tmp, 'explicit'));
    fakeBinary(path.join(tmp, 'onpath'));
    await expect(
      locateTemporalCli({ explicitPath: explicit, cacheDir: path.join(tmp, 'cache'), env: emptyEnv({ PATH: path.join(tmp, 'onpath') }) }),
    ).resolves.toEqual({ path: explicit, source: 'env' });
    await expect(locateTemporalCli({ explicitPath: path.join(tmp, 'nope'), cacheDir: tmp, env: emptyEnv() })).rejects.toThrow(
      /TEMPORAL_CLI_PATH=.*nope is not an executable/,
    );
  });

  it('then PATH, then the project cache', async () => {
    const onPath = fakeBinary(path.join(tmp, 'onpath'));
    const cached = fakeBinary(path.join(tmp, 'cache'));
    await expect(
      locateTemporalCli({ cacheDir: path.join(tmp, 'cache'), env: emptyEnv({ PATH: path.join(tmp, 'onpath') }) }),
    ).resolves.toEqual({ path: onPath, source: 'path' });
    await expect(locateTemporalCli({ cacheDir: path.join(tmp, 'cache'), env: emptyEnv() })).resolves.toEqual({
      path: cached,
      source: 'cache',
    });
  });

  it('then the Go bin directory, where `go install` puts it', async () => {
    const goBin = fakeBinary(path.join(tmp, 'go', 'bin'));
    await expect(locateTemporalCli({ cacheDir: path.join(tmp, 'cache'), env: emptyEnv() })).resolves.toEqual({
      path: goBin,
      source: 'gopath',
    });
  });

  it('explains every way out when nothing is found and building is off', async () => {
    const promise = findOrBuildTemporalCli({ cacheDir: path.join(tmp, 'cache'), env: emptyEnv(), allowBuild: false });
    await expect(promise).rejects.toThrow(TemporalCliNotFoundError);
    await expect(promise).rejects.toThrow(/go install github.com\/temporalio\/cli\/cmd\/temporal@v1.5.1/);
    await expect(promise).rejects.toThrow(/TEMPORAL_ADDRESS/);
  });
});

describe('searchAttributeArgs', () => {
  it('registers every project search attribute with the CLI type names', () => {
    const args = searchAttributeArgs();
    expect(args).toEqual(
      expect.arrayContaining(['--search-attribute', 'OrganizationId=Keyword', 'IssueStage=Keyword', 'AwaitingHuman=Bool']),
    );
  });
});
