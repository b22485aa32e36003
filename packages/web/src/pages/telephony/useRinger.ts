import { useEffect } from 'react';

/**
 * Rings while a call is waiting to be answered: the mainland telephone cadence (450 Hz, 1 s on,
 * 4 s off) through Web Audio, and the caller's number in the tab title so an agent working in
 * another tab sees it. The browser may keep audio suspended until the page has had a click; the
 * title still changes then.
 */
const RING_HZ = 450;
const ON_S = 1;
const PERIOD_S = 5;

export function useRinger(ringing: boolean, caller: string | undefined): void {
  useEffect(() => {
    if (!ringing) return undefined;
    const title = document.title;
    let flip = false;
    const flash = window.setInterval(() => {
      flip = !flip;
      document.title = flip ? `【来电】${caller ?? ''}` : title;
    }, 1000);

    let audio: AudioContext | undefined;
    try {
      audio = new AudioContext();
      const gain = audio.createGain();
      gain.gain.value = 0;
      gain.connect(audio.destination);
      const tone = audio.createOscillator();
      tone.frequency.value = RING_HZ;
      tone.connect(gain);
      // Schedule ten minutes of cadence up front; the context is closed when ringing stops.
      for (let t = 0; t < 600; t += PERIOD_S) {
        gain.gain.setValueAtTime(0.2, audio.currentTime + t);
        gain.gain.setValueAtTime(0, audio.currentTime + t + ON_S);
      }
      tone.start();
      void audio.resume().catch(() => undefined);
    } catch {
      audio = undefined;
    }
    return () => {
      window.clearInterval(flash);
      document.title = title;
      void audio?.close().catch(() => undefined);
    };
  }, [ringing, caller]);
}
