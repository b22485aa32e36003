import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import zhCN from './zh-CN.json';
import en from './en.json';
import ug from './ug.json';

export type AppLocale = 'zh-CN' | 'en' | 'ug';

export interface LocaleInfo {
  code: AppLocale;
  /** Label in the language itself. */
  label: string;
  short: string;
  dir: 'ltr' | 'rtl';
  /** BCP 47 tag used for <html lang> and Intl formatting. */
  htmlLang: string;
}

export const LOCALES: readonly LocaleInfo[] = [
  { code: 'zh-CN', label: '简体中文', short: '中文', dir: 'ltr', htmlLang: 'zh-CN' },
  { code: 'en', label: 'English', short: 'EN', dir: 'ltr', htmlLang: 'en' },
  { code: 'ug', label: 'ئۇيغۇرچە', short: 'ئۇيغۇرچە', dir: 'rtl', htmlLang: 'ug' },
];

export const LOCALE_STORAGE_KEY = 'hotline.locale';
export const DEFAULT_LOCALE: AppLocale = 'zh-CN';

export function isAppLocale(v: unknown): v is AppLocale {
  return v === 'zh-CN' || v === 'en' || v === 'ug';
}

export function localeInfo(code: AppLocale): LocaleInfo {
  return LOCALES.find((l) => l.code === code) ?? (LOCALES[0] as LocaleInfo);
}

export function storedLocale(): AppLocale {
  try {
    const v = localStorage.getItem(LOCALE_STORAGE_KEY);
    if (isAppLocale(v)) return v;
  } catch {
    /* storage unavailable */
  }
  return DEFAULT_LOCALE;
}

/** Sets <html lang dir> for the chosen locale (Uyghur is written right-to-left). */
export function applyDocumentLocale(code: AppLocale): void {
  const info = localeInfo(code);
  const html = document.documentElement;
  html.setAttribute('lang', info.htmlLang);
  html.setAttribute('dir', info.dir);
}

type Messages = Record<string, string>;
type FeatureBundle = Partial<Record<AppLocale, Messages>>;

/**
 * Each feature keeps its own translations in i18n/features/<feature>.json as
 * {"zh-CN": {...}, "en": {...}, "ug": {...}}, so modules add words without touching the shared files.
 */
const features = Object.values(import.meta.glob<FeatureBundle>('./features/*.json', { eager: true, import: 'default' }));
const merged = (base: Messages, code: AppLocale): Messages => Object.assign({}, base, ...features.map((f) => f[code] ?? {}));

const initial = storedLocale();
applyDocumentLocale(initial);

void i18n.use(initReactI18next).init({
  resources: {
    'zh-CN': { translation: merged(zhCN, 'zh-CN') },
    en: { translation: merged(en, 'en') },
    ug: { translation: merged(ug, 'ug') },
  },
  lng: initial,
  fallbackLng: { ug: ['zh-CN'], en: ['zh-CN'], default: ['zh-CN'] },
  supportedLngs: ['zh-CN', 'en', 'ug'],
  // Keys are flat strings such as 'menu.system.users' or 'perm.identity:user:write'.
  keySeparator: false,
  nsSeparator: false,
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

export function changeLocale(code: AppLocale): void {
  try {
    localStorage.setItem(LOCALE_STORAGE_KEY, code);
  } catch {
    /* ignore */
  }
  applyDocumentLocale(code);
  void i18n.changeLanguage(code);
}

export function currentLocale(): AppLocale {
  const l = i18n.language;
  return isAppLocale(l) ? l : DEFAULT_LOCALE;
}

export default i18n;
