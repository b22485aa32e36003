import { useCallback, useEffect, useRef, useState } from 'react';
import { API_BASE, getToken } from '../../api/client';

/**
 * The browser side of the softphone: a signalling WebSocket to the server (which registers the
 * agent's extension with the media engine) and one RTCPeerConnection per call. The server offers
 * complete SDP (no trickle ICE), so the page answers once its own ICE gathering is complete.
 */
export type LineState = 'idle' | 'connecting' | 'registered' | 'closed';
export type CallState = 'ringing' | 'answering' | 'connected' | 'held' | 'ended';

export interface SoftphoneCall {
  callId: string;
  from: string;
  fromName?: string;
  state: CallState;
  /** When the call was answered (ms), for the talk timer. */
  connectedAt?: number;
  reason?: string;
}

export interface SoftphoneProblem {
  code: string;
  message: string;
}

type ServerMessage =
  | { type: 'registered'; extension: string; expires: number }
  | { type: 'incoming'; callId: string; from: string; fromName?: string; sdp: string }
  | { type: 'state'; callId: string; state: 'ringing' | 'connected' | 'held' | 'ended'; reason?: string }
  | { type: 'error'; code: string; message: string; callId?: string }
  | { type: 'closed'; reason: string };

const GATHERING_TIMEOUT_MS = 3000;

function softphoneUrl(token: string): string {
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${window.location.host}${API_BASE}/ws/softphone?token=${encodeURIComponent(token)}`;
}

function gatheringComplete(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      pc.removeEventListener('icegatheringstatechange', check);
      window.clearTimeout(timer);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    // Host candidates are enough on the hotline's LAN; do not wait forever for a STUN server.
    const timer = window.setTimeout(done, GATHERING_TIMEOUT_MS);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

export function useSoftphone(audio: React.RefObject<HTMLAudioElement | null>) {
  const [line, setLine] = useState<LineState>('idle');
  const [extension, setExtension] = useState<string | null>(null);
  const [call, setCall] = useState<SoftphoneCall | null>(null);
  const [problem, setProblem] = useState<SoftphoneProblem | null>(null);
  const ws = useRef<WebSocket | null>(null);
  const pc = useRef<RTCPeerConnection | null>(null);
  const mic = useRef<MediaStream | null>(null);
  const offers = useRef(new Map<string, string>());

  const releaseMedia = useCallback(() => {
    pc.current?.close();
    pc.current = null;
    mic.current?.getTracks().forEach((t) => t.stop());
    mic.current = null;
    if (audio.current) audio.current.srcObject = null;
  }, [audio]);

  const send = useCallback((message: Record<string, unknown>) => {
    if (ws.current?.readyState === WebSocket.OPEN) ws.current.send(JSON.stringify(message));
  }, []);

  const onMessage = useCallback(
    (m: ServerMessage) => {
      switch (m.type) {
        case 'registered':
          setLine('registered');
          setExtension(m.extension);
          setProblem(null);
          return;
        case 'incoming':
          offers.current.set(m.callId, m.sdp);
          setCall({ callId: m.callId, from: m.from, ...(m.fromName ? { fromName: m.fromName } : {}), state: 'ringing' });
          return;
        case 'state':
          if (m.state === 'ended') {
            offers.current.delete(m.callId);
            releaseMedia();
          }
          setCall((c) => {
            if (!c || c.callId !== m.callId) return c;
            const connectedAt = m.state === 'connected' ? (c.connectedAt ?? Date.now()) : c.connectedAt;
            return { ...c, state: m.state, ...(connectedAt !== undefined ? { connectedAt } : {}), ...(m.reason ? { reason: m.reason } : {}) };
          });
          return;
        case 'error':
          setProblem({ code: m.code, message: m.message });
          return;
        case 'closed':
          setLine('closed');
          setProblem({ code: m.reason === 'replaced' ? 'REPLACED' : 'CLOSED', message: m.reason });
          return;
      }
    },
    [releaseMedia],
  );

  const connect = useCallback(() => {
    const token = getToken();
    if (!token || ws.current) return;
    setLine('connecting');
    setProblem(null);
    const socket = new WebSocket(softphoneUrl(token));
    ws.current = socket;
    socket.onmessage = (e) => {
      try {
        onMessage(JSON.parse(String(e.data)) as ServerMessage);
      } catch {
        /* not ours */
      }
    };
    socket.onclose = () => {
      if (ws.current === socket) ws.current = null;
      releaseMedia();
      setLine((l) => (l === 'idle' ? l : 'closed'));
      setCall((c) => (c && c.state !== 'ended' ? { ...c, state: 'ended', reason: 'disconnected' } : c));
    };
  }, [onMessage, releaseMedia]);

  const disconnect = useCallback(() => {
    const socket = ws.current;
    ws.current = null;
    socket?.close(1000, 'agent offline');
    releaseMedia();
    setLine('idle');
  }, [releaseMedia]);

  useEffect(() => () => disconnect(), [disconnect]);

  const answer = useCallback(async () => {
    if (!call || call.state !== 'ringing') return;
    const offer = offers.current.get(call.callId);
    if (!offer) return;
    setCall({ ...call, state: 'answering' });
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
      mic.current = stream;
      const peer = new RTCPeerConnection({ iceServers: [] });
      pc.current = peer;
      peer.ontrack = (e) => {
        if (audio.current) {
          audio.current.srcObject = e.streams[0] ?? new MediaStream([e.track]);
          void audio.current.play().catch(() => undefined);
        }
      };
      for (const track of stream.getAudioTracks()) peer.addTrack(track, stream);
      await peer.setRemoteDescription({ type: 'offer', sdp: offer });
      await peer.setLocalDescription(await peer.createAnswer());
      await gatheringComplete(peer);
      send({ type: 'answer', callId: call.callId, sdp: peer.localDescription?.sdp ?? '' });
    } catch (err) {
      releaseMedia();
      const denied = err instanceof DOMException && (err.name === 'NotAllowedError' || err.name === 'NotFoundError');
      setProblem({ code: denied ? 'NO_MICROPHONE' : 'ANSWER_FAILED', message: String(err) });
      send({ type: 'reject', callId: call.callId });
    }
  }, [audio, call, releaseMedia, send]);

  const act = useCallback(
    (message: Record<string, unknown>) => {
      if (call) send({ ...message, callId: call.callId });
    },
    [call, send],
  );

  return {
    line,
    extension,
    call,
    problem,
    connect,
    disconnect,
    answer,
    reject: () => act({ type: 'reject' }),
    hangup: () => act({ type: 'hangup' }),
    hold: (on: boolean) => act({ type: 'hold', on }),
    transfer: (target: string) => act({ type: 'transfer', target }),
    dtmf: (digits: string) => act({ type: 'dtmf', digits }),
    dismiss: () => setCall((c) => (c?.state === 'ended' ? null : c)),
  };
}
