/** The B2BUA's records and events: what the CTI layer and the CDR store see of a call. */

export type CallEndReason =
  | 'caller-hangup'
  | 'agent-hangup'
  | 'ivr-hangup'
  | 'ivr-end'
  | 'cancelled'
  | 'rejected'
  | 'transfer-failed'
  | 'api-hangup'
  | 'rtp-timeout'
  | 'queue-timeout'
  | 'shutdown'
  | 'error';

/** One leg's record in the CDR. */
export interface CdrLeg {
  readonly id: string;
  readonly role: 'citizen' | 'agent' | 'party';
  readonly party: string;
  readonly sipCallId: string;
  readonly startedAt: number;
  answeredAt?: number;
  endedAt?: number;
  /** SIP status when the leg failed or was rejected. */
  failStatus?: number;
}

export interface CdrTransfer {
  readonly at: number;
  readonly kind: 'blind' | 'attended' | 'refer' | 'handoff';
  readonly from?: string;
  readonly to: string;
  readonly ok: boolean;
}

/** Call detail record: one per inbound call, complete when 'call.ended' is emitted. */
export interface Cdr {
  /** Our call id (also the recording's file name). */
  readonly id: string;
  /** The inbound INVITE's Call-ID. */
  readonly sipCallId: string;
  readonly caller: string;
  readonly callerName?: string;
  readonly callerWithheld: boolean;
  /** The dialled number (e.g. 12345). */
  readonly callee: string;
  readonly startedAt: number;
  answeredAt?: number;
  bridgedAt?: number;
  endedAt?: number;
  endReason?: CallEndReason;
  /** Node ids in the order the caller visited them. */
  readonly ivrPath: string[];
  /** Entries collected by collect nodes, in order. */
  readonly ivrInputs: Array<{ node: string; digits: string }>;
  /** Every DTMF key the caller pressed during the IVR, in order. */
  dtmf: string;
  queue?: string;
  /** The first agent the caller was bridged to. */
  agent?: string;
  recordingPath?: string;
  voicemailPath?: string;
  readonly transfers: CdrTransfer[];
  readonly legs: CdrLeg[];
  /** Seconds the caller spent on hold, summed. */
  holdSeconds: number;
}

export type CallEventType =
  | 'call.started'
  | 'call.answered'
  | 'ivr.node'
  | 'ivr.digit'
  | 'ivr.retry'
  | 'call.queued'
  | 'call.ringing'
  | 'call.bridged'
  | 'call.held'
  | 'call.retrieved'
  | 'call.transferred'
  | 'call.consulting'
  | 'call.conferenced'
  | 'call.party-left'
  | 'call.voicemail'
  | 'call.transcript'
  | 'call.ended';

/** An event for the CTI layer; `data` depends on the type (see the README). */
export interface CallEvent {
  readonly type: CallEventType;
  readonly callId: string;
  readonly at: number;
  readonly caller: string;
  readonly callee: string;
  readonly data: Readonly<Record<string, unknown>>;
}
