/**
 * The B2BUA with IVR: the product's media role, composed from the SIP and media halves.
 * See packages/voip/README.md ("B2BUA").
 */
export { B2bua, MediaEngine } from './engine.js';
export type { B2buaOptions, B2buaSipOptions, B2buaEvents, B2buaStats, DialOptions } from './engine.js';
export { B2buaCall, B2buaError } from './call.js';
export type { CallState } from './call.js';
export { MediaLeg, remoteMediaOf, applyRemoteMedia } from './leg.js';
export type { LegRole, MediaLegEvents, RemoteMedia } from './leg.js';
export { validateFlow, flowPrompts, promptList, IvrFlowError } from './flow.js';
export type {
  IvrFlow, IvrNode, IvrPrompt, IvrPlayNode, IvrCollectNode, IvrBranchNode, IvrTransferNode, IvrVoicemailNode, IvrHangupNode,
} from './flow.js';
export type { Cdr, CdrLeg, CdrTransfer, CallEvent, CallEventType, CallEndReason } from './types.js';
