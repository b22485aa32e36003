/**
 * IVR flows as data: a small graph of nodes (play, collect, branch, transfer, voicemail, hangup)
 * that the B2BUA walks for each inbound call. Flows come from configuration (and later from the
 * CTI's flow editor), so they are validated before a call ever runs them.
 */

/** What a node says: synthesised text, an uploaded WAV (8/16 kHz mono), or a pause. */
export type IvrPrompt =
  | { readonly tts: string; readonly voice?: string; readonly rate?: number }
  | { readonly file: string }
  | { readonly silenceMs: number };

interface NodeBase {
  /** The next node; a node without one ends the flow (the call is hung up). */
  readonly next?: string;
}

export interface IvrPlayNode extends NodeBase {
  readonly type: 'play';
  readonly prompt: IvrPrompt | readonly IvrPrompt[];
  /** A key pressed during the prompt stops it; the digit is kept for the next collect node. */
  readonly bargeIn?: boolean;
}

export interface IvrCollectNode extends NodeBase {
  readonly type: 'collect';
  /** Played before (and, with barge-in, during) collection. */
  readonly prompt?: IvrPrompt | readonly IvrPrompt[];
  readonly maxDigits?: number;
  /** Keys that end the entry (not part of it); default '#'. */
  readonly terminators?: string;
  readonly firstDigitTimeoutMs?: number;
  readonly interDigitTimeoutMs?: number;
  /** Accept only entries matching this (e.g. '^[1-3]$'); anything else counts as a failed try. */
  readonly valid?: string;
  /** Further tries after no input or an invalid entry (default 2: "each prompt plays twice"). */
  readonly retries?: number;
  /** Played before each retry (default: the prompt again). */
  readonly retryPrompt?: IvrPrompt | readonly IvrPrompt[];
  /** Where to go when every try failed (default: hang up), e.g. a transfer to a human. */
  readonly onFail?: string;
  /** Variable the entry is stored in (default 'digits'); branch nodes read it. */
  readonly variable?: string;
}

export interface IvrBranchNode extends NodeBase {
  readonly type: 'branch';
  /** Variable to branch on (default 'digits'). */
  readonly variable?: string;
  /** Entry → node id. */
  readonly cases: Readonly<Record<string, string>>;
  /** No case matched (default: `next`, else hang up). */
  readonly default?: string;
}

export interface IvrTransferNode extends NodeBase {
  readonly type: 'transfer';
  readonly prompt?: IvrPrompt | readonly IvrPrompt[];
  /** A queue placeholder: the engine's onQueue callback decides (the CTI's ACD later). */
  readonly queue?: string;
  /** An extension registered with our registrar ("1002") or any SIP URI. */
  readonly target?: string;
  /** Extra data for the queue callback (skill, language, priority …). */
  readonly data?: Readonly<Record<string, string>>;
}

export interface IvrVoicemailNode extends NodeBase {
  readonly type: 'voicemail';
  readonly prompt?: IvrPrompt | readonly IvrPrompt[];
  /** Longest message (default 120 s). */
  readonly maxSeconds?: number;
  /** Key that ends the message (default '#'). */
  readonly terminator?: string;
}

export interface IvrHangupNode {
  readonly type: 'hangup';
  readonly prompt?: IvrPrompt | readonly IvrPrompt[];
}

export type IvrNode = IvrPlayNode | IvrCollectNode | IvrBranchNode | IvrTransferNode | IvrVoicemailNode | IvrHangupNode;

export interface IvrFlow {
  readonly name?: string;
  readonly start: string;
  readonly nodes: Readonly<Record<string, IvrNode>>;
  /** A caller's path may visit at most this many nodes (loops end in hang-up; default 200). */
  readonly maxSteps?: number;
}

export class IvrFlowError extends Error {
  override readonly name = 'IvrFlowError';
}

export function promptList(p: IvrPrompt | readonly IvrPrompt[] | undefined): IvrPrompt[] {
  if (p === undefined) return [];
  return Array.isArray(p) ? [...(p as readonly IvrPrompt[])] : [p as IvrPrompt];
}

/** Every prompt of a flow, so they can be synthesised before the first call arrives. */
export function flowPrompts(flow: IvrFlow): IvrPrompt[] {
  const out: IvrPrompt[] = [];
  for (const node of Object.values(flow.nodes)) {
    if ('prompt' in node) out.push(...promptList(node.prompt));
    if (node.type === 'collect') out.push(...promptList(node.retryPrompt));
  }
  return out;
}

/** Throws IvrFlowError naming the first problem: unknown node references, bad settings. */
export function validateFlow(flow: IvrFlow): void {
  const ids = new Set(Object.keys(flow.nodes));
  const ref = (from: string, to: string | undefined, what: string): void => {
    if (to !== undefined && !ids.has(to)) throw new IvrFlowError(`node ${from}: ${what} refers to unknown node ${JSON.stringify(to)}`);
  };
  if (!ids.has(flow.start)) throw new IvrFlowError(`start node ${JSON.stringify(flow.start)} does not exist`);
  for (const [id, node] of Object.entries(flow.nodes)) {
    if ('next' in node) ref(id, node.next, 'next');
    for (const p of flowPrompts({ start: id, nodes: { [id]: node } })) {
      if ('tts' in p && p.tts.trim() === '') throw new IvrFlowError(`node ${id}: empty TTS text`);
      if ('silenceMs' in p && !(p.silenceMs >= 0 && p.silenceMs <= 60_000)) throw new IvrFlowError(`node ${id}: silenceMs out of range`);
    }
    switch (node.type) {
      case 'collect':
        ref(id, node.onFail, 'onFail');
        if (node.maxDigits !== undefined && !(Number.isInteger(node.maxDigits) && node.maxDigits >= 1 && node.maxDigits <= 10_000)) {
          throw new IvrFlowError(`node ${id}: maxDigits must be 1-10000`);
        }
        if (node.retries !== undefined && !(Number.isInteger(node.retries) && node.retries >= 0 && node.retries <= 10)) {
          throw new IvrFlowError(`node ${id}: retries must be 0-10`);
        }
        if (node.valid !== undefined) {
          try {
            new RegExp(node.valid);
          } catch {
            throw new IvrFlowError(`node ${id}: valid is not a regular expression`);
          }
        }
        break;
      case 'branch':
        for (const [key, to] of Object.entries(node.cases)) ref(id, to, `case ${JSON.stringify(key)}`);
        ref(id, node.default, 'default');
        break;
      case 'transfer':
        if (node.queue === undefined && node.target === undefined) throw new IvrFlowError(`node ${id}: transfer needs a queue or a target`);
        break;
      case 'voicemail':
        if (node.maxSeconds !== undefined && !(node.maxSeconds > 0 && node.maxSeconds <= 3600)) throw new IvrFlowError(`node ${id}: maxSeconds must be 1-3600`);
        break;
      default:
        break;
    }
  }
}
