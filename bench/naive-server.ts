/**
 * The naive peer: ws + node-pty and nothing else, speaking just enough of the lab protocol for the bench's
 * pages and probe (hello, attach, input). Every pty read goes out as one binary frame at once: no screen,
 * no flow control, no coalescing, no recording, no sandbox, no limits, no authentication. It is what the
 * issue's table calls « naive ws + node-pty », measured on the same machine, in the same run, with the
 * same client as the lab server, so that the ceiling's ratios can be read against what the simplest
 * Node server pays. Never a server for a class.
 *
 *   node --import tsx bench/naive-server.ts   (prints « port N » once listening on 127.0.0.1)
 */
import { createServer } from 'node:http';
import pty from 'node-pty';
import { WebSocketServer, type WebSocket } from 'ws';
import { OUTPUT_HEADER_BYTES } from '../src/protocol/frame.ts';
import { PROTOCOL_VERSION } from '../src/protocol/limits.ts';
import { encodeMessage, type ServerMessage } from '../src/protocol/messages.ts';

/** The bench lab's shell (bench/labs/bench/lab.json), without its sandbox. */
const SHELL = ['bash', '--noprofile', '--norc', '-i'] as const;
const ENV = { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', TERM: 'xterm-256color', PS1: 'bench$ ', HISTFILE: '/dev/null' };

function serve(socket: WebSocket): void {
  const shells = new Map<number, pty.IPty>();
  const send = (message: ServerMessage): void => socket.send(encodeMessage(message));
  socket.on('message', (data: Buffer, binary: boolean) => {
    if (binary) return;
    const message = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
    const channel = Number(message['channel']);
    if (message['type'] === 'hello') send({ type: 'welcome', version: PROTOCOL_VERSION, role: 'presenter', labs: [] });
    if (message['type'] === 'input') shells.get(channel)?.write(String(message['data']));
    if (message['type'] !== 'attach') return;
    const cols = Number(message['cols']);
    const rows = Number(message['rows']);
    const options = { name: 'xterm-256color', cols, rows, encoding: null, env: ENV };
    const shell = pty.spawn(SHELL[0], SHELL.slice(1), options as pty.IPtyForkOptions);
    shells.set(channel, shell);
    const room = String(message['room']);
    send({ type: 'attached', channel, lab: 'bench', room, role: 'writer', cols, rows });
    send({ type: 'snapshot', channel, data: '', cols, rows });
    shell.onData((chunk: string | Buffer) => {
      const payload = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      const frame = Buffer.allocUnsafe(OUTPUT_HEADER_BYTES + payload.length);
      frame[0] = channel;
      payload.copy(frame, OUTPUT_HEADER_BYTES);
      socket.send(frame, { binary: true, compress: false });
    });
  });
  socket.on('close', () => {
    for (const shell of shells.values()) shell.kill('SIGKILL');
  });
}

const http = createServer((_request, response) => response.writeHead(404).end());
const sockets = new WebSocketServer({ server: http, path: '/ws', perMessageDeflate: false });
sockets.on('connection', serve);
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('naive peer: no TCP address');
  process.stdout.write(`port ${address.port}\n`);
});
