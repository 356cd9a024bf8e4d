import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server for the GitHub REST endpoints the GitHub code host uses — pulls
 * (list by head, create), issue labels, issue comments — so octokit itself is exercised.
 */

export interface FakePullRequest {
  number: number;
  html_url: string;
  head: { ref: string };
  base: { ref: string };
  title: string;
  body: string;
  draft: boolean;
  state: string;
  labels: string[];
}

export interface FakeGitHub {
  url: string;
  pulls: FakePullRequest[];
  comments: Array<{ issue: number; body: string; id: number }>;
  /** Requests received, as `METHOD path`. */
  requests: string[];
  /** Called after a pull request was created and answered. */
  onPullCreated?: (pull: FakePullRequest) => void;
  close(): Promise<void>;
}

export async function startFakeGitHub(options: { token?: string } = {}): Promise<FakeGitHub> {
  const fake: FakeGitHub = { url: '', pulls: [], comments: [], requests: [], close: async () => undefined };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    fake.requests.push(`${req.method} ${url.pathname}`);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    if (options.token && req.headers.authorization !== `token ${options.token}` && req.headers.authorization !== `Bearer ${options.token}`) {
      return send(401, { message: 'Bad credentials' });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};

    const pulls = /^\/repos\/([^/]+)\/([^/]+)\/pulls$/.exec(url.pathname);
    if (pulls && req.method === 'GET') {
      const head = url.searchParams.get('head');
      const ref = head?.includes(':') ? head.split(':').slice(1).join(':') : head;
      return send(200, fake.pulls.filter((pull) => !ref || pull.head.ref === ref));
    }
    if (pulls && req.method === 'POST') {
      const head = String(body['head']);
      if (fake.pulls.some((pull) => pull.head.ref === head && pull.state === 'open')) {
        return send(422, { message: 'Validation Failed', errors: [{ message: `A pull request already exists for ${head}.` }] });
      }
      const pull: FakePullRequest = {
        number: fake.pulls.length + 1,
        html_url: `https://github.example/${pulls[1]}/${pulls[2]}/pull/${fake.pulls.length + 1}`,
        head: { ref: head },
        base: { ref: String(body['base']) },
        title: String(body['title']),
        body: String(body['body'] ?? ''),
        draft: body['draft'] === true,
        state: 'open',
        labels: [],
      };
      fake.pulls.push(pull);
      send(201, pull);
      fake.onPullCreated?.(pull);
      return;
    }
    const labels = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/labels$/.exec(url.pathname);
    if (labels && req.method === 'POST') {
      const pull = fake.pulls.find((p) => p.number === Number(labels[1]));
      if (!pull) return send(404, { message: 'Not Found' });
      pull.labels.push(...((body['labels'] as string[]) ?? []));
      return send(200, pull.labels.map((name) => ({ name })));
    }
    const comments = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname);
    if (comments && req.method === 'POST') {
      const comment = { issue: Number(comments[1]), body: String(body['body']), id: fake.comments.length + 1 };
      fake.comments.push(comment);
      return send(201, { id: comment.id, html_url: `https://github.example/issues/${comment.issue}#issuecomment-${comment.id}` });
    }
    return send(404, { message: `fake-github: no route ${req.method} ${url.pathname}` });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
