import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { LangSwitch } from '../../../layout/LangSwitch';

/** The citizen pages' frame: phone-width column, title, language switch, links between pages. */
export function H5Shell({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div style={{ minHeight: '100vh', background: '#f5f7fa' }}>
      <div style={{ maxWidth: 480, margin: '0 auto', padding: 16 }}>
        <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('tickets.h5.brand')}
          </Typography.Title>
          <LangSwitch />
        </Space>
        <Typography.Title level={5}>{title}</Typography.Title>
        {children}
        <Space style={{ marginTop: 24 }} split="·">
          <Link to="/h5/submit">{t('tickets.h5.submitTitle')}</Link>
          <Link to="/h5/query">{t('tickets.h5.queryTitle')}</Link>
        </Space>
      </div>
    </div>
  );
}
