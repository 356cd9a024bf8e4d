import { parseMcpToolName } from '../../src/contracts/mcp';
import { maskSecrets, settingsProblems } from '../../src/contracts/settings-edit';

describe('MCP settings', () => {
  const server = { name: 'billing', url: 'https://mcp.example.com/mcp', token: 'mcp-token-0123456789' };

  it('takes a streamable HTTP server with a token, stages and tool lists', () => {
    expect(settingsProblems({ mcp: { servers: [{ ...server, stages: ['research'], tools: ['lookup'], atMostOnce: ['create'] }] } })).toEqual([]);
    // For skills only: every skill (*) or the ones named.
    expect(settingsProblems({ mcp: { servers: [{ ...server, stages: [], skills: ['*'] }] } })).toEqual([]);
    expect(settingsProblems({ mcp: { servers: [{ ...server, stages: [], skills: ['deal-summary'] }] } })).toEqual([]);
    // Over stdio: an argv, run in the sandbox in the installation's MCP directory.
    const { url: _url, ...rest } = server;
    expect(settingsProblems({ mcp: { servers: [{ ...rest, command: ['node', 'docs/server.cjs'] }] } })).toEqual([]);
  });

  it('refuses private and plain-http URLs, a server both or neither HTTP and stdio, bad names and duplicates', () => {
    expect(settingsProblems({ mcp: { servers: [{ ...server, url: 'http://mcp.example.com/mcp' }] } })).toEqual([expect.stringMatching(/^mcp\.servers\.0\.url: must be an https URL/)]);
    expect(settingsProblems({ mcp: { servers: [{ ...server, url: 'https://169.254.169.254/mcp' }] } })).toEqual([expect.stringMatching(/^mcp\.servers\.0\.url: 169\.254\.169\.254 is a .* address/)]);
    expect(settingsProblems({ mcp: { servers: [{ ...server, url: 'https://localhost/mcp' }] } })).toEqual([expect.stringMatching(/localhost is this machine/)]);
    // A server is either HTTP or stdio, and says which.
    expect(settingsProblems({ mcp: { servers: [{ ...server, command: ['node', 'docs/server.cjs'] }] } })).toEqual(['mcp.servers.0.url: give either a url (streamable HTTP) or a command (stdio), not both']);
    const { url: _url, ...stdio } = server;
    expect(settingsProblems({ mcp: { servers: [stdio] } })).toEqual(['mcp.servers.0.url: give either a url (streamable HTTP) or a command (stdio), not both']);
    expect(settingsProblems({ mcp: { servers: [{ ...stdio, command: [] }] } }).join('\n')).toMatch(/mcp\.servers\.0\.command/);
    expect(settingsProblems({ mcp: { servers: [{ ...stdio, command: ['node', 'a\0b'] }] } }).join('\n')).toMatch(/no NUL characters/);
    expect(settingsProblems({ mcp: { servers: [{ ...server, name: 'Billing Tools' }] } }).join('\n')).toMatch(/mcp\.servers\.0\.name/);
    expect(settingsProblems({ mcp: { servers: [server, server] } }).join('\n')).toMatch(/server names must be unique/);
    expect(settingsProblems({ mcp: { servers: [{ ...server, token: 'short' }] } }).join('\n')).toMatch(/mcp\.servers\.0\.token/);
    expect(settingsProblems({ mcp: { servers: [{ ...server, stages: [] }] } })).toEqual(['mcp.servers.0.stages: offers its tools to nothing: name at least one stage or skill']);
    expect(settingsProblems({ mcp: { servers: [{ ...server, skills: ['Deal Summary'] }] } }).join('\n')).toMatch(/mcp\.servers\.0\.skills\.0/);
    // Loopback is for local testing only (OUTBOUND_ALLOW_PRIVATE).
    expect(settingsProblems({ mcp: { servers: [{ ...server, url: 'http://127.0.0.1:9/mcp' }] } }, { allowPrivate: true })).toEqual([]);
  });

  it('never shows the token again', () => {
    expect(JSON.stringify(maskSecrets({ mcp: { servers: [server] } }))).not.toContain('mcp-token-0123456789');
    const { url: _url, ...rest } = server;
    expect(JSON.stringify(maskSecrets({ mcp: { servers: [{ ...rest, command: ['node', 'docs/server.cjs'] }] } }))).not.toContain('mcp-token-0123456789');
  });

  it('names tools mcp__<server>__<tool>, and nothing else parses as one', () => {
    expect(parseMcpToolName('mcp__billing__lookup_invoice')).toEqual({ server: 'billing', tool: 'lookup_invoice' });
    for (const name of ['read_file', 'mcp__Billing__x', 'mcp__billing__', 'mcp__billing__a b', 'mcp__a__b__c/d']) expect(parseMcpToolName(name)).toBeUndefined();
  });
});
