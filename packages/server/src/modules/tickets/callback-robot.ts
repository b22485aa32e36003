/**
 * The callback robot's dialogue, as a pure state machine over text turns. The SMS/H5 channel, a
 * text chat and (later) the voice robot all drive the same machine: telephony turns speech into
 * text with ASR or DTMF into a digit, calls `robotTurn`, and speaks `say` with TTS.
 */
export type RobotStep = 'handling' | 'service' | 'reason' | 'done';
export type Verdict = 'satisfied' | 'basic' | 'dissatisfied';

export interface RobotState {
  step: RobotStep;
  retries: number;
  handling?: Verdict;
  service?: Verdict;
  comment?: string;
}

export interface RobotOutcome {
  result: 'satisfied' | 'dissatisfied' | 'unreachable';
  handlingRating: number | null;
  serviceRating: number | null;
  comment: string | null;
}

export interface RobotReply {
  say: string;
  state: RobotState;
  /** Set when the conversation is over. */
  outcome?: RobotOutcome;
}

const MAX_RETRIES = 2;
const RATING: Record<Verdict, number> = { satisfied: 5, basic: 3, dissatisfied: 1 };

// Order matters: every negative phrase contains a positive one (不满意 ⊃ 满意).
const NEGATIVE = [/不满意/, /不太满意/, /非常差|很差|太差/, /没(有)?解决|未解决|没办|没人管|没处理/, /不行|不好|不怎么样|敷衍/, /^\s*2\s*$/];
const BASIC = [/基本满意|一般|还行|凑合|马马虎虎/, /^\s*3\s*$/];
const POSITIVE = [/满意/, /解决了|已经解决|处理好了|办好了/, /挺好|很好|不错|可以|行|好的|谢谢/, /^\s*1\s*$/];

/** Reads a citizen's answer (words or a DTMF digit) as a verdict, or null when unclear. */
export function classifyAnswer(text: string): Verdict | null {
  const t = text.normalize('NFKC').replace(/[，。！？,.!?\s]+/g, ' ').trim();
  if (!t) return null;
  if (NEGATIVE.some((r) => r.test(t))) return 'dissatisfied';
  if (BASIC.some((r) => r.test(t))) return 'basic';
  if (POSITIVE.some((r) => r.test(t))) return 'satisfied';
  return null;
}

export function robotOpening(ticket: { title: string; answer: string | null }): RobotReply {
  const answer = (ticket.answer ?? '').slice(0, 120);
  return {
    say: `您好，这里是12345政务服务便民热线。您反映的“${ticket.title}”已办理完毕${answer ? `，办理结果是：${answer}` : ''}。请问您对办理结果满意吗？满意请说“满意”或按1，不满意请说“不满意”或按2，基本满意请按3。`,
    state: { step: 'handling', retries: 0 },
  };
}

const ASK_SERVICE = '请问您对热线工作人员的服务态度满意吗？满意请按1，不满意请按2。';
const ASK_REASON = '很抱歉给您带来不便。请简单说明不满意的原因，我们会转交承办单位重新办理。';
const BYE = '感谢您对12345热线工作的支持，再见。';

export function robotTurn(state: RobotState, utterance: string): RobotReply {
  if (state.step === 'done') return { say: BYE, state };
  if (state.step === 'reason') return finish({ ...state, comment: utterance.trim().slice(0, 500) || undefined });
  const verdict = classifyAnswer(utterance);
  if (!verdict) return retry(state);
  if (state.step === 'handling') return { say: ASK_SERVICE, state: { ...state, step: 'service', retries: 0, handling: verdict } };
  const next = { ...state, service: verdict, retries: 0 };
  if (next.handling === 'dissatisfied') return { say: ASK_REASON, state: { ...next, step: 'reason' } };
  return finish(next);
}

function retry(state: RobotState): RobotReply {
  if (state.retries >= MAX_RETRIES) {
    // Three unclear answers: the robot gives up and a person calls back.
    const outcome: RobotOutcome = { result: 'unreachable', handlingRating: null, serviceRating: null, comment: '机器人未能识别回答，转人工回访' };
    return { say: '抱歉没有听清您的回答，稍后将由工作人员与您联系。再见。', state: { ...state, step: 'done' }, outcome };
  }
  const question = state.step === 'handling' ? '请问您对办理结果满意吗？满意请按1，不满意请按2，基本满意请按3。' : ASK_SERVICE;
  return { say: `抱歉，没有听清。${question}`, state: { ...state, retries: state.retries + 1 } };
}

function finish(state: RobotState): RobotReply {
  const handling = state.handling ?? 'satisfied';
  const outcome: RobotOutcome = {
    result: handling === 'dissatisfied' ? 'dissatisfied' : 'satisfied',
    handlingRating: RATING[handling],
    serviceRating: state.service ? RATING[state.service] : null,
    comment: state.comment ?? null,
  };
  return { say: BYE, state: { ...state, step: 'done' }, outcome };
}
