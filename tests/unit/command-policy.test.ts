import { classifyCommand, commandGate } from '../../src/workspace/command-policy';

describe('command approval policy', () => {
  const test = ['node', '--test'];
  const classOf = (...argv: string[]) => classifyCommand(argv, test).class;

  it('calls reading commands and the test command safe', () => {
    for (const argv of [['ls', '-la'], ['cat', 'src/a.js'], ['grep', '-rn', 'x', 'src'], ['git', 'status'], ['git', 'diff', 'HEAD'], ['git', '--no-pager', 'log', '-5'], ['find', '.', '-name', '*.js'], ['node', '--test', 'test/a.test.js'], ['/usr/bin/ls']]) {
      expect([argv.join(' '), classifyCommand(argv, test).class]).toEqual([argv.join(' '), 'safe']);
    }
  });

  it('calls what deletes, rewrites history, installs, touches CI, escalates or runs a shell dangerous', () => {
    const dangerous = [
      ['rm', '-rf', 'src'],
      ['rm', '--recursive', 'lib'],
      ['git', 'reset', '--hard'],
      ['git', 'push', '--force'],
      ['git', 'commit', '--amend', '-m', 'x'],
      ['git', 'checkout', '--', '.'],
      ['git', 'branch', '-D', 'main'],
      ['git', '-c', 'core.hooksPath=/tmp', 'status'],
      ['npm', 'install', 'left-pad'],
      ['npm', 'i'],
      ['pip', 'install', 'requests'],
      ['python3', '-m', 'pip', 'install', 'x'],
      ['cargo', 'add', 'serde'],
      ['npx', 'some-tool'],
      ['sudo', 'ls'],
      ['bash', '-c', 'ls'],
      ['env', 'rm', '-rf', '/'],
      ['find', '.', '-delete'],
      ['find', '.', '-exec', 'rm', '{}', ';'],
      ['chmod', '-R', '777', '.'],
      ['cp', 'x.yml', '.github/workflows/ci.yml'],
      ['sed', '-i', 's/a/b/', '.gitlab-ci.yml'],
    ];
    for (const argv of dangerous) expect([argv.join(' '), classifyCommand(argv, test).class]).toEqual([argv.join(' '), 'dangerous']);
  });

  it('calls the rest unknown, generated-file cleanup included', () => {
    expect(classOf('make')).toBe('unknown');
    expect(classOf('rm', '-rf', 'dist', 'coverage')).toBe('unknown');
    expect(classOf('rm', 'notes.txt')).toBe('unknown');
    expect(classOf('sed', '-i', 's/a/b/', 'src/a.js')).toBe('unknown');
    expect(classOf('git', 'add', '.')).toBe('unknown');
    expect(classOf('npm', 'run', 'build')).toBe('unknown');
  });

  it('gates by policy: never keeps the allowlist, on-request asks for dangerous and unlisted, on-failure after a failure, untrusted for all but safe', () => {
    const safe = { class: 'safe' as const, reason: '' };
    const unknown = { class: 'unknown' as const, reason: '' };
    const dangerous = { class: 'dangerous' as const, reason: '' };
    expect([commandGate(unknown, true, 'never', false), commandGate(unknown, false, 'never', false), commandGate(dangerous, true, 'never', true)]).toEqual(['run', 'refuse', 'run']);
    expect([commandGate(safe, false, 'on-request', false), commandGate(unknown, true, 'on-request', false), commandGate(unknown, false, 'on-request', false), commandGate(dangerous, true, 'on-request', false)]).toEqual(['run', 'run', 'ask', 'ask']);
    expect([commandGate(unknown, true, 'on-failure', true), commandGate(unknown, false, 'on-failure', false), commandGate(unknown, false, 'on-failure', true), commandGate(safe, false, 'on-failure', false)]).toEqual(['run', 'refuse', 'ask', 'refuse']);
    expect([commandGate(safe, false, 'untrusted', false), commandGate(unknown, true, 'untrusted', false), commandGate(dangerous, true, 'untrusted', false)]).toEqual(['run', 'ask', 'ask']);
  });
});
