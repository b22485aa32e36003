import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { App as AntApp, ConfigProvider, theme as antdTheme } from 'antd';
import zhCNAntd from 'antd/es/locale/zh_CN';
import enUSAntd from 'antd/es/locale/en_US';
import type { Locale as AntdLocale } from 'antd/es/locale';
import { changeLocale, currentLocale, localeInfo, type AppLocale } from './index';

interface LocaleContextValue {
  locale: AppLocale;
  direction: 'ltr' | 'rtl';
  setLocale: (code: AppLocale) => void;
}

const LocaleContext = createContext<LocaleContextValue>({
  locale: 'zh-CN',
  direction: 'ltr',
  setLocale: () => undefined,
});

export function useLocale(): LocaleContextValue {
  return useContext(LocaleContext);
}

// Uyghur has no antd locale pack: use en_US strings with right-to-left direction.
function antdLocaleFor(code: AppLocale): AntdLocale {
  return code === 'zh-CN' ? zhCNAntd : enUSAntd;
}

export const BRAND_PRIMARY = '#1456b8';

export function LocaleProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<AppLocale>(currentLocale());
  const setLocale = useCallback((code: AppLocale) => {
    changeLocale(code);
    setLocaleState(code);
  }, []);
  const direction = localeInfo(locale).dir;
  const value = useMemo(() => ({ locale, direction, setLocale }), [locale, direction, setLocale]);

  const fontFamily =
    locale === 'ug'
      ? "'UKIJ Tuz Tom', 'Alkatip Basma Tom', 'Noto Naskh Arabic', 'Noto Sans Arabic', 'Microsoft Uighur', Tahoma, sans-serif"
      : "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Helvetica Neue', Arial, sans-serif";

  return (
    <LocaleContext.Provider value={value}>
      <ConfigProvider
        locale={antdLocaleFor(locale)}
        direction={direction}
        theme={{
          algorithm: antdTheme.defaultAlgorithm,
          token: {
            colorPrimary: BRAND_PRIMARY,
            colorInfo: BRAND_PRIMARY,
            borderRadius: 4,
            fontFamily,
          },
        }}
      >
        <AntApp>{children}</AntApp>
      </ConfigProvider>
    </LocaleContext.Provider>
  );
}
