import type { Readable, Writable } from 'node:stream';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** A stdio server's output past this, in one message, ends the session (a server cannot fill our memory). */
const MAX_MESSAGE_BYTES = 4 * 1024 ** 2;

/**
 * The MCP stdio transport over streams someone else spawned: the sandbox's process
 * (src/sandbox, `interact`), which the SDK's StdioClientTransport cannot be given since it
 * spawns its own, unconfined. Newline-delimited JSON-RPC, framed with the SDK's ReadBuffer.
 */
export class StreamTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private readonly buffer = new ReadBuffer({ maxBufferSize: MAX_MESSAGE_BYTES });
  private closed = false;

  constructor(private readonly io: { stdin: Writable; stdout: Readable }) {}

  async start(): Promise<void> {
    this.io.stdout.on('data', (chunk: Buffer) => {
      try {
        this.buffer.append(chunk);
        for (let message = this.buffer.readMessage(); message; message = this.buffer.readMessage()) this.onmessage?.(message);
      } catch (error) {
        // Not JSON-RPC (a server that prints to stdout), or too large: the session is over.
        this.onerror?.(error instanceof Error ? error : new Error(String(error)));
        void this.close();
      }
    });
    this.io.stdout.on('close', () => void this.close());
    this.io.stdout.on('error', (error: Error) => this.onerror?.(error));
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error('the MCP server over stdio has exited');
    await new Promise<void>((resolve, reject) => {
      this.io.stdin.write(serializeMessage(message), (error) => (error ? reject(error) : resolve()));
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.buffer.clear();
    this.io.stdin.end();
    this.onclose?.();
  }
}
