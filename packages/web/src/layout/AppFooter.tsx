import { useTranslation } from 'react-i18next';

export function AppFooter() {
  const { t } = useTranslation();
  return (
    <footer className="app-footer">
      <div>{t('app.footer.owner')}</div>
      <div className="app-footer-sub">{t('app.footer.notice')}</div>
    </footer>
  );
}
