// The long-connection side of the fake Feishu: the endpoint the SDK's WSClient asks for its socket
// URL, and a WebSocket server speaking Feishu's frames (protobuf `pbbp2.Frame`, payload = the same
// JSON event a webhook would carry). `push` sends an event and resolves with the client's answer.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import protobuf from 'protobufjs';
import { WebSocketServer, type WebSocket } from 'ws';

const root = protobuf.Root.fromJSON({
  nested: {
    pbbp2: {
      nested: {
        Header: { fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Frame: {
          fields: {
            SeqID: { type: 'uint64', id: 1 },
            LogID: { type: 'uint64', id: 2 },
            service: { type: 'int32', id: 3 },
            method: { type: 'int32', id: 4 },
            headers: { rule: 'repeated', type: 'Header', id: 5 },
            payloadEncoding: { type: 'string', id: 6 },
            payloadType: { type: 'string', id: 7 },
            payload: { type: 'bytes', id: 8 },
            LogIDNew: { type: 'string', id: 9 },
          },
        },
      },
    },
  },
});
const Frame = root.lookupType('pbbp2.Frame');
const DATA = 1;

type FrameData = {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: { key: string; value: string }[];
  payload?: Uint8Array;
};

export type FakeLongConnection = {
  /** Resolves once the SDK's client has connected. */
  connected(): Promise<void>;
  /** Sends one event over the socket; resolves with the client's answer (`{code, data?}` decoded). */
  push(event: unknown): Promise<{ code: number; data?: unknown }>;
  /** Cuts the current socket, as a network drop would; the client is expected to reconnect. */
  drop(): void;
  close(): void;
};

export function attachLongConnection(
  server: Server,
  baseUrl: () => string,
): { endpoint: () => unknown; ws: FakeLongConnection } {
  const wss = new WebSocketServer({ server, path: '/ws' });
  let socket: WebSocket | undefined;
  const waiting: (() => void)[] = [];
  const answers = new Map<string, (answer: { code: number; data?: unknown }) => void>();
  let seq = 0;

  let ready = false;
  wss.on('connection', (ws) => {
    socket = ws;
    ws.on('message', (raw: Buffer) => {
      const frame = Frame.toObject(Frame.decode(raw), { longs: Number, bytes: Buffer }) as FrameData;
      // The client's first ping comes once its handlers are in place: only then can it take events.
      if (!ready) {
        ready = true;
        for (const resolve of waiting.splice(0)) resolve();
      }
      if (frame.method !== DATA) return; // pings
      const id = frame.headers.find((h) => h.key === 'message_id')?.value ?? '';
      const body = JSON.parse(Buffer.from(frame.payload ?? []).toString()) as { code: number; data?: string };
      answers.get(id)?.({
        code: body.code,
        data: body.data ? JSON.parse(Buffer.from(body.data, 'base64').toString()) : undefined,
      });
      answers.delete(id);
    });
  });

  return {
    endpoint: () => ({
      code: 0,
      msg: 'ok',
      data: {
        URL: `${baseUrl().replace(/^http/, 'ws')}/ws?device_id=dev-1&service_id=1`,
        ClientConfig: { PingInterval: 120, ReconnectCount: 1, ReconnectInterval: 1, ReconnectNonce: 1 },
      },
    }),
    ws: {
      connected: () => (ready ? Promise.resolve() : new Promise((resolve) => waiting.push(resolve))),
      push(event) {
        if (!socket) throw new Error('no long connection');
        const id = randomUUID();
        const frame = Frame.create({
          SeqID: ++seq,
          LogID: seq,
          service: 1,
          method: DATA,
          headers: [
            { key: 'type', value: 'event' },
            { key: 'message_id', value: id },
            { key: 'sum', value: '1' },
            { key: 'seq', value: '0' },
            { key: 'trace_id', value: id },
          ],
          payload: Buffer.from(JSON.stringify(event)),
        });
        const answer = new Promise<{ code: number; data?: unknown }>((resolve) => answers.set(id, resolve));
        socket.send(Frame.encode(frame).finish());
        return answer;
      },
      drop() {
        ready = false;
        socket?.terminate();
        socket = undefined;
      },
      close() {
        for (const client of wss.clients) client.terminate();
        wss.close();
      },
    },
  };
}
