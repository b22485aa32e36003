import type { Span } from '../extract/types.js';

export type Speaker = 'agent' | 'citizen';

export interface Turn extends Span {
  speaker: Speaker;
}

const AGENT = '坐席|客服|话务员|接线员|工作人员|座席|agent';
const CITIZEN = '市民|来电人|来电者|群众|客户|用户|居民|caller|citizen';
const TURN = new RegExp(`(?:^|\\n)\\s*(?:\\[[^\\]]{0,20}\\]\\s*)?(${AGENT}|${CITIZEN})\\s*[:：]`, 'gi');

/**
 * Splits a call transcript written as "坐席：…\n市民：…" (optionally with [00:12] stamps) into
 * turns. Returns [] when the text is not a labelled transcript.
 */
export function splitTranscript(text: string): Turn[] {
  const heads: { speaker: Speaker; at: number; bodyStart: number }[] = [];
  for (let m = TURN.exec(text); m !== null; m = TURN.exec(text)) {
    const who = (m[1] ?? '').toLowerCase();
    heads.push({ speaker: new RegExp(`^(${AGENT})$`, 'i').test(who) ? 'agent' : 'citizen', at: m.index, bodyStart: m.index + m[0].length });
  }
  TURN.lastIndex = 0;
  return heads.map((h, i) => {
    const end = heads[i + 1]?.at ?? text.length;
    return { speaker: h.speaker, start: h.bodyStart, end, text: text.slice(h.bodyStart, end).trim() };
  });
}

/** The citizen's words of a labelled transcript, or undefined for ordinary text. */
export function citizenText(text: string): string | undefined {
  const turns = splitTranscript(text);
  if (turns.length < 2 || !turns.some((t) => t.speaker === 'citizen')) return undefined;
  return turns
    .filter((t) => t.speaker === 'citizen')
    .map((t) => (/[。！？!?]$/.test(t.text) ? t.text : `${t.text}。`))
    .join('');
}
