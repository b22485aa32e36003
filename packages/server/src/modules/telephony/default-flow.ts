/**
 * The hotline's default IVR (T22): a language/service menu in Mandarin, "each prompt plays
 * twice, then a human" for no input, `0` straight to a human, `*` repeats the menu. Depth 1;
 * the CTI's flow editor replaces it per tenant later.
 */
import type { IvrFlow } from '@hotline/voip';

export const WELCOME_TEXT = '您好，欢迎致电12345政务服务便民热线。普通话请按1，维吾尔语请按2，企业服务请按3，人工服务请按0。';

export const DEFAULT_IVR_FLOW: IvrFlow = {
  name: '12345 default',
  start: 'menu',
  nodes: {
    menu: {
      type: 'collect',
      prompt: { tts: WELCOME_TEXT },
      retryPrompt: [{ tts: '对不起，您没有按键或按键有误。' }, { tts: WELCOME_TEXT }],
      maxDigits: 1,
      valid: '^[0123*]$',
      firstDigitTimeoutMs: 6000,
      retries: 1,
      next: 'route',
      onFail: 'human',
    },
    route: { type: 'branch', cases: { '1': 'mandarin', '2': 'uyghur', '3': 'enterprise', '0': 'human', '*': 'menu' }, default: 'menu' },
    mandarin: { type: 'transfer', prompt: { tts: '正在为您转接普通话人工服务，请稍候。' }, queue: 'mandarin', data: { language: 'zh' }, next: 'busy' },
    uyghur: { type: 'transfer', prompt: { tts: '正在为您转接维吾尔语服务，请稍候。' }, queue: 'uyghur', data: { language: 'ug' }, next: 'busy' },
    enterprise: { type: 'transfer', prompt: { tts: '正在为您转接企业服务专席，请稍候。' }, queue: 'enterprise', data: { channel: 'enterprise' }, next: 'busy' },
    human: { type: 'transfer', prompt: { tts: '正在为您转接人工服务，请稍候。' }, queue: 'general', next: 'busy' },
    busy: { type: 'voicemail', prompt: { tts: '坐席繁忙，请在提示音后留言，按井号键结束。' }, maxSeconds: 120, next: 'thanks' },
    thanks: { type: 'hangup', prompt: { tts: '感谢您的来电，再见。' } },
  },
};

/** Music on hold: a spoken "please wait" and a pause, looped. */
export const HOLD_TEXT = '请稍候，正在为您处理。';
