import { Button, Space, Tooltip } from 'antd';
import { GlobalOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { LOCALES } from '../i18n';
import { useLocale } from '../i18n/LocaleProvider';

/**
 * Language switcher: a compact button group (中文 / EN / ئۇيغۇرچە). Every option is always
 * visible and carries data-testid `lang-<code>`; the group itself is `lang-switch`.
 */
export function LangSwitch({ theme = 'light' }: { theme?: 'light' | 'dark' }) {
  const { locale, setLocale } = useLocale();
  const { t } = useTranslation();
  return (
    <Tooltip title={t('common.language')} placement="bottom">
      <div data-testid="lang-switch" className={`lang-switch lang-switch-${theme}`} role="group" aria-label={t('common.language')}>
        <GlobalOutlined className="lang-switch-icon" />
        <Space.Compact size="small">
          {LOCALES.map((l) => (
            <Button
              key={l.code}
              data-testid={`lang-${l.code}`}
              type={locale === l.code ? 'primary' : 'default'}
              aria-pressed={locale === l.code}
              lang={l.htmlLang}
              dir={l.dir}
              onClick={() => setLocale(l.code)}
            >
              {l.short}
            </Button>
          ))}
        </Space.Compact>
      </div>
    </Tooltip>
  );
}
