/**
 * UDP and TCP transports (RFC 3261 §18). Turns bytes into parsed messages tagged with where they
 * came from, and sends bytes to a peer, reusing TCP connections in both directions.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import type { SipLogger } from './logger.js';
import { serializeSipMessage, SipParseError } from './message.js';
import type { SipMessage } from './message.js';
import { parseSipMessage, SipStreamFramer } from './parser.js';
import { formatVia, parseVia } from './uri.js';

export type SipTransportName = 'udp' | 'tcp' | 'tls';
/** Connection-oriented transports: framed by Content-Length, never retransmitted (RFC 3261 §17). */
export type SipStreamTransport = 'tcp' | 'tls';

export function isReliable(transport: SipTransportName): boolean {
  return transport !== 'udp';
}

/** TLS listener and client settings (PEM strings or buffers). */
export interface SipTlsOptions {
  port: number;
  host?: string;
  key: string | Buffer;
  cert: string | Buffer;
  /** Trusted CAs for the peers we connect to (and, with requestCert, the clients). */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Verify the certificates of peers we connect to (default true). */
  rejectUnauthorized?: boolean;
  /** Ask connecting clients for a certificate (mutual TLS; default false). */
  requestCert?: boolean;
}

/** A remote endpoint. `connectionId` pins a TCP message to the connection it arrived on. */
export interface SipPeer {
  transport: SipTransportName;
  address: string;
  port: number;
  connectionId?: number;
}

export interface SipTransportOptions {
  udp?: { port: number; host?: string };
  tcp?: { port: number; host?: string };
  tls?: SipTlsOptions;
  maxMessageSize?: number;
  /**
   * Idle TCP/TLS connections are closed after this long (default 65 minutes: longer than the
   * registrar's maximum interval, so a phone that only re-registers keeps its flow).
   */
  tcpIdleTimeoutMs?: number;
  /** Giving up on a TCP connect (default 5 s). */
  tcpConnectTimeoutMs?: number;
  logger: SipLogger;
}

export type SipMessageHandler = (message: SipMessage, peer: SipPeer) => void;
/** Called with the raw bytes of a message that failed to parse but whose framing was intact. */
export type SipMalformedHandler = (raw: Buffer, peer: SipPeer, error: SipParseError) => void;

interface Connection {
  id: number;
  transport: SipStreamTransport;
  socket: net.Socket;
  framer: SipStreamFramer;
  key: string;
}

/** Node reports IPv4 peers of dual-stack sockets as ::ffff:a.b.c.d. */
function plainAddress(address: string | undefined): string {
  const a = address ?? '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

function peerKey(transport: SipTransportName, address: string, port: number): string {
  return `${transport}|${address}:${port}`;
}

export class SipTransportLayer {
  private udp?: dgram.Socket;
  private tcpServer?: net.Server;
  private tlsServer?: tls.Server;
  private readonly connections = new Map<number, Connection>();
  private readonly byPeer = new Map<string, number>();
  private readonly pending = new Map<string, Promise<Connection>>();
  private nextConnectionId = 1;
  private closed = false;
  /** Totals for monitoring. */
  readonly counters = { received: 0, sent: 0, malformed: 0, sendErrors: 0, connectionsAccepted: 0 };
  private handler: SipMessageHandler = () => undefined;
  private malformedHandler: SipMalformedHandler = () => undefined;

  private constructor(private readonly options: SipTransportOptions) {}

  static async listen(options: SipTransportOptions): Promise<SipTransportLayer> {
    const layer = new SipTransportLayer(options);
    try {
      if (options.udp) await layer.bindUdp(options.udp.port, options.udp.host ?? '0.0.0.0');
      if (options.tcp) await layer.listenTcp(options.tcp.port, options.tcp.host ?? '0.0.0.0');
      if (options.tls) await layer.listenTls(options.tls);
    } catch (err) {
      await layer.close();
      throw err;
    }
    return layer;
  }

  onMessage(handler: SipMessageHandler): void {
    this.handler = handler;
  }

  onMalformed(handler: SipMalformedHandler): void {
    this.malformedHandler = handler;
  }

  get udpPort(): number | undefined {
    return this.udp?.address().port;
  }

  get tcpPort(): number | undefined {
    const address = this.tcpServer?.address();
    return address && typeof address === 'object' ? address.port : undefined;
  }

  get tlsPort(): number | undefined {
    const address = this.tlsServer?.address();
    return address && typeof address === 'object' ? address.port : undefined;
  }

  supports(transport: SipTransportName): boolean {
    if (transport === 'udp') return this.udp !== undefined;
    return transport === 'tcp' ? this.tcpServer !== undefined : this.tlsServer !== undefined;
  }

  isOpen(connectionId: number): boolean {
    return this.connections.has(connectionId);
  }

  get openConnections(): number {
    return this.connections.size;
  }

  async send(message: SipMessage, peer: SipPeer): Promise<void> {
    if (this.closed) throw new Error('transport closed');
    const data = serializeSipMessage(message);
    try {
      if (peer.transport === 'udp') await this.sendUdp(data, peer);
      else await this.sendStream(data, peer);
      this.counters.sent++;
    } catch (err) {
      this.counters.sendErrors++;
      throw err;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const conn of this.connections.values()) conn.socket.destroy();
    this.connections.clear();
    this.byPeer.clear();
    const udp = this.udp;
    const servers = [this.tcpServer, this.tlsServer];
    this.udp = undefined;
    this.tcpServer = undefined;
    this.tlsServer = undefined;
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
    for (const server of servers) if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private bindUdp(port: number, host: string): Promise<void> {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    this.udp = socket;
    socket.on('message', (data, rinfo) => this.onDatagram(data, rinfo));
    // ICMP "port unreachable" surfaces as an error on some platforms; it must not kill the stack.
    socket.on('error', (err) => this.options.logger.warn({ err: err.message }, 'sip udp socket error'));
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        // Bursts of hundreds of calls per second overflow the default ~200 KiB buffer and drop
        // provisional responses, which are never retransmitted. The kernel caps this at rmem_max.
        try {
          socket.setRecvBufferSize(4 * 1024 * 1024);
          socket.setSendBufferSize(4 * 1024 * 1024);
        } catch {
          // Not fatal: keep the default size.
        }
        resolve();
      });
    });
  }

  private listenTcp(port: number, host: string): Promise<void> {
    const server = net.createServer((socket) => {
      this.counters.connectionsAccepted++;
      this.adopt(socket, 'tcp');
    });
    this.tcpServer = server;
    server.on('error', (err) => this.options.logger.warn({ err: err.message }, 'sip tcp server error'));
    return this.listenOn(server, port, host);
  }

  private listenTls(options: SipTlsOptions): Promise<void> {
    const server = tls.createServer(
      { key: options.key, cert: options.cert, ...(options.ca ? { ca: options.ca } : {}), requestCert: options.requestCert ?? false, rejectUnauthorized: options.requestCert ?? false },
      (socket) => {
        this.counters.connectionsAccepted++;
        this.adopt(socket, 'tls');
      },
    );
    this.tlsServer = server;
    // A failed handshake (wrong certificate, plain TCP on the TLS port) is the peer's problem.
    server.on('tlsClientError', (err) => this.options.logger.debug({ err: err.message }, 'sip tls handshake failed'));
    server.on('error', (err) => this.options.logger.warn({ err: err.message }, 'sip tls server error'));
    return this.listenOn(server, options.port, options.host ?? '0.0.0.0');
  }

  private listenOn(server: net.Server, port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  private onDatagram(data: Buffer, rinfo: dgram.RemoteInfo): void {
    const peer: SipPeer = { transport: 'udp', address: plainAddress(rinfo.address), port: rinfo.port };
    // Keep-alives (CRLF, or STUN-ish noise) are not worth a parse error.
    if (data.every((b) => b === 0x0d || b === 0x0a)) return;
    try {
      const message = parseSipMessage(data, { maxMessageSize: this.options.maxMessageSize ?? 65_535 });
      this.deliver(message, peer);
    } catch (err) {
      this.logParseError(err, peer);
      if (err instanceof SipParseError) this.reportMalformed(data, peer, err);
    }
  }

  private reportMalformed(raw: Buffer, peer: SipPeer, error: SipParseError): void {
    try {
      this.malformedHandler(raw, peer, error);
    } catch (err) {
      this.options.logger.error({ err: String(err) }, 'sip malformed handler threw');
    }
  }

  private logParseError(err: unknown, peer: SipPeer): void {
    this.counters.malformed++;
    const code = err instanceof SipParseError ? err.code : 'internal';
    this.options.logger.debug({ code, peer: `${peer.address}:${peer.port}`, err: String(err) }, 'dropped malformed sip message');
  }

  private deliver(message: SipMessage, peer: SipPeer): void {
    this.counters.received++;
    if (message.kind === 'request') stampVia(message, peer);
    try {
      this.handler(message, peer);
    } catch (err) {
      // A bug above must not take the socket down with it.
      this.options.logger.error({ err: String(err), stack: err instanceof Error ? err.stack : undefined }, 'sip handler threw');
    }
  }

  private adopt(socket: net.Socket, transport: SipStreamTransport): Connection {
    const address = plainAddress(socket.remoteAddress);
    const port = socket.remotePort ?? 0;
    const conn: Connection = {
      id: this.nextConnectionId++,
      transport,
      socket,
      framer: new SipStreamFramer({ maxMessageSize: this.options.maxMessageSize ?? 65_535 }),
      key: peerKey(transport, address, port),
    };
    this.connections.set(conn.id, conn);
    this.byPeer.set(conn.key, conn.id);
    socket.setNoDelay(true);
    socket.setTimeout(this.options.tcpIdleTimeoutMs ?? 3_900_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => this.onStreamData(conn, chunk, { transport, address, port, connectionId: conn.id }));
    socket.on('error', (err) => this.options.logger.debug({ err: err.message, peer: conn.key }, 'sip tcp connection error'));
    socket.on('close', () => this.forget(conn));
    return conn;
  }

  private forget(conn: Connection): void {
    this.connections.delete(conn.id);
    if (this.byPeer.get(conn.key) === conn.id) this.byPeer.delete(conn.key);
  }

  private onStreamData(conn: Connection, chunk: Buffer, peer: SipPeer): void {
    let events;
    try {
      events = conn.framer.push(chunk);
    } catch (err) {
      // Framing is lost; the only safe thing is to drop the connection (RFC 3261 §18.3).
      this.logParseError(err, peer);
      conn.socket.destroy();
      return;
    }
    for (const event of events) {
      if (event.type === 'message') this.deliver(event.message, peer);
      else if (event.type === 'error') {
        this.logParseError(event.error, peer);
        this.reportMalformed(event.raw, peer, event.error);
      }
      else if (event.ping) conn.socket.write('\r\n');
    }
  }

  private sendUdp(data: Buffer, peer: SipPeer): Promise<void> {
    const socket = this.udp;
    if (!socket) return Promise.reject(new Error('UDP transport not enabled'));
    return new Promise((resolve, reject) => {
      socket.send(data, peer.port, peer.address, (err) => (err ? reject(err) : resolve()));
    });
  }

  private async sendStream(data: Buffer, peer: SipPeer): Promise<void> {
    const conn = await this.connectionFor(peer);
    await new Promise<void>((resolve, reject) => {
      conn.socket.write(data, (err) => (err ? reject(err) : resolve()));
    });
  }

  private connectionFor(peer: SipPeer): Promise<Connection> {
    const pinned = peer.connectionId !== undefined ? this.connections.get(peer.connectionId) : undefined;
    if (pinned && pinned.transport === peer.transport) return Promise.resolve(pinned);
    const key = peerKey(peer.transport, peer.address, peer.port);
    const existingId = this.byPeer.get(key);
    const existing = existingId !== undefined ? this.connections.get(existingId) : undefined;
    if (existing) return Promise.resolve(existing);
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const attempt = this.connect(peer).finally(() => this.pending.delete(key));
    this.pending.set(key, attempt);
    return attempt;
  }

  private connect(peer: SipPeer): Promise<Connection> {
    const transport: SipStreamTransport = peer.transport === 'tls' ? 'tls' : 'tcp';
    return new Promise((resolve, reject) => {
      const socket = transport === 'tls' ? this.tlsConnect(peer) : net.connect({ host: peer.address, port: peer.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`${transport} connect to ${peer.address}:${peer.port} timed out`));
      }, this.options.tcpConnectTimeoutMs ?? 5_000);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.once(transport === 'tls' ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        if (this.closed) {
          socket.destroy();
          reject(new Error('transport closed'));
          return;
        }
        const conn = this.adopt(socket, transport);
        // Index the connection under the address we dialled too, so later sends find it.
        this.byPeer.set(peerKey(transport, peer.address, peer.port), conn.id);
        resolve(conn);
      });
    });
  }

  private tlsConnect(peer: SipPeer): tls.TLSSocket {
    const settings = this.options.tls;
    return tls.connect({
      host: peer.address,
      port: peer.port,
      // SNI needs a name; for an IP the certificate must carry it as a subjectAltName.
      ...(net.isIP(peer.address) ? {} : { servername: peer.address }),
      ...(settings?.ca ? { ca: settings.ca } : {}),
      ...(settings ? { key: settings.key, cert: settings.cert } : {}),
      rejectUnauthorized: settings?.rejectUnauthorized ?? true,
    });
  }
}

/** RFC 3261 §18.2.1 (and RFC 3581 rport): record where a request really came from in its top Via. */
function stampVia(request: SipMessage, peer: SipPeer): void {
  const top = request.headers.get('Via');
  if (top === undefined) return;
  const via = parseVia(top);
  let changed = false;
  if (via.host.replace(/^\[|\]$/g, '') !== peer.address) {
    via.params.set('received', peer.address);
    changed = true;
  }
  if (via.params.has('rport') && via.params.get('rport') === null) {
    via.params.set('rport', String(peer.port));
    changed = true;
  }
  if (!changed) return;
  const all = request.headers.getAll('Via');
  request.headers.remove('Via');
  all[0] = formatVia(via);
  for (const v of all) request.headers.append('Via', v);
}
