/**
 * SIP signalling for the hotline media role: parser, transports, transactions, dialogs, calls,
 * registrar with digest auth, and SDP offer/answer. See packages/voip/README.md ("SIP").
 */
export { SipStack, SIP_ALLOW, SIP_SUPPORTED } from './stack.js';
export type { SipStackOptions, SipStackEvents, SipStackStats, SipKeepRegisteredOptions, SipRegistrationHandle, SipRegistrationState, SipCallOptions, SipRequestOptions, SipRegisterOptions, SipRegisterEvent } from './stack.js';
export { SipCall, SipCallError, SipReinvite, SipReferRequest, parseDtmfInfo, extractSdp } from './call.js';
export { SipInboundCall } from './call-inbound.js';
export type { SipCallerId } from './call-inbound.js';
export { SipOutboundCall } from './call-outbound.js';
export type { SipOutboundCallInit } from './call-outbound.js';
export type { SipCallDirection, SipCallState, SipCallEnd, SipCallEndReason, SipCallEvents, SipInfo, SipReferStatus, SipProgress } from './call.js';
export { SipHeaders, canonicalHeaderName } from './headers.js';
export { SipParseError, serializeSipMessage, buildResponse, createRequest, parseCSeq, reasonPhrase } from './message.js';
export type { SipMessage, SipRequest, SipResponse, CSeq, SipParseErrorCode } from './message.js';
export { parseSipMessage, SipStreamFramer } from './parser.js';
export type { SipParseOptions, SipStreamEvent } from './parser.js';
export { parseSipUri, formatSipUri, parseNameAddr, formatNameAddr, parseVia, formatVia } from './uri.js';
export type { SipUri, NameAddr, Via, SipParams } from './uri.js';
export { computeDigestResponse, buildAuthorization, parseAuthHeader, NonceManager } from './digest.js';
export type { DigestAlgorithm, DigestInput, DigestCredentials } from './digest.js';
export { SipRegistrar, DigestAuthenticator, addressOfRecord } from './registrar.js';
export type { SipBinding, SipPasswordLookup, SipAuthOptions } from './registrar.js';
export { SipDialog } from './dialog.js';
export {
  DEFAULT_SIP_TIMERS,
  InviteClientTransaction,
  NonInviteClientTransaction,
  InviteServerTransaction,
  NonInviteServerTransaction,
} from './transaction.js';
export type { SipTimerConfig, TransactionState } from './transaction.js';
export type { SipPeer, SipTransportName, SipTlsOptions } from './transport.js';
export { silentLogger, callbackLogger } from './logger.js';
export type { SipLogger, SipLogFn } from './logger.js';
export {
  parseSdp,
  serializeSdp,
  createAudioSdp,
  answerAudioOffer,
  sdpCodecs,
  sdpDirection,
  withSdpDirection,
  answerDirection,
  isSdpHold,
  SdpParseError,
  PCMU,
  PCMA,
  TELEPHONE_EVENT,
} from './sdp.js';
export type { SessionDescription, SdpMedia, SdpCodec, SdpDirection, SdpAttribute, SdpConnection, AudioAnswer, AudioSdpOptions } from './sdp.js';
export { parseSessionExpires, negotiateAsUas, DEFAULT_SESSION_TIMER } from './session-timer.js';
export type { SessionTimerConfig, SessionExpires, SessionRefresher } from './session-timer.js';
