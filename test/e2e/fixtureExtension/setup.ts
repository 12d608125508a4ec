// The fixture's setup module (run.mjs --setup): starts a tiny HTTP server on loopback, the way the real
// suite will start the Messages API stand-in, and hands its address to the extension host via env.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { E2eSetup } from '../e2eConfig';

export async function setup(): Promise<E2eSetup> {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ greeting: 'hello over loopback' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    env: { FIXTURE_GREETING: 'hello from the harness', FIXTURE_SERVER_URL: `http://127.0.0.1:${port}` },
    teardown: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
