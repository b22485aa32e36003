/**
 * Process-wide media counters, so the media role can expose them on a metrics
 * endpoint and tests can check that nothing leaks.
 */
export interface MediaCounters {
  sessionsOpen: number;
  sessionsOpened: number;
  packetsSent: number;
  packetsReceived: number;
  malformedPackets: number;
  foreignSourcePackets: number;
  unknownPayloadPackets: number;
  rtcpReceived: number;
  rtcpSent: number;
  sendErrors: number;
  socketErrors: number;
  listenerErrors: number;
  timersActive: number;
  filesOpen: number;
}

const counters: MediaCounters = {
  sessionsOpen: 0,
  sessionsOpened: 0,
  packetsSent: 0,
  packetsReceived: 0,
  malformedPackets: 0,
  foreignSourcePackets: 0,
  unknownPayloadPackets: 0,
  rtcpReceived: 0,
  rtcpSent: 0,
  sendErrors: 0,
  socketErrors: 0,
  listenerErrors: 0,
  timersActive: 0,
  filesOpen: 0,
};

export function bumpCounter(name: keyof MediaCounters, by = 1): void {
  counters[name] += by;
}

/** A snapshot; mutating it does not change the live counters. */
export function mediaCounters(): Readonly<MediaCounters> {
  return { ...counters };
}
