/**
 * The scripted page of the server tests: the shared protocol client (scripts/lib/protocol-client.ts)
 * connected to a test server as one of its roles, with the tests' defaults (an 80 x 24 `shell` pane).
 */
import type { AttachMessage, ClientOptions } from '../../scripts/lib/protocol-client.ts';
import { connectSocket, ProtocolClient } from '../../scripts/lib/protocol-client.ts';
import type { TestServer } from './lab-server.ts';

export interface ConnectOptions extends ClientOptions {
  readonly role?: 'presenter' | 'audience' | 'none';
  readonly origin?: string | null;
  readonly cookie?: string;
}

type Server = Pick<TestServer, 'port' | 'origin' | 'presenterCookie' | 'audienceCookie'>;

export class LabClient extends ProtocolClient {
  static async connect(server: Server, options: ConnectOptions = {}): Promise<LabClient> {
    const role = options.role ?? 'presenter';
    const cookie =
      options.cookie ??
      (role === 'presenter' ? server.presenterCookie : role === 'audience' ? server.audienceCookie : undefined);
    const origin = options.origin === undefined ? server.origin : options.origin;
    return new LabClient(await connectSocket({ port: server.port, origin, cookie }), options);
  }

  /** Connects, says hello and waits for the welcome. */
  static async open(server: Server, options: ConnectOptions = {}): Promise<LabClient> {
    const client = await LabClient.connect(server, options);
    await client.hello();
    return client;
  }

  /** Attaches and waits for `attached` and the first snapshot. */
  attach(channel: number, lab = 'shell', extra: Partial<Omit<AttachMessage, 'type'>> = {}) {
    return this.attachWith({ channel, lab, cols: 80, rows: 24, ...extra });
  }
}
