import { useEffect, useState } from 'react';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

function span(ms: number, t: (k: string, o?: Record<string, number>) => string): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return t('tickets.sla.daysHours', { days, hours });
  return t('tickets.sla.hoursMinutes', { hours, minutes: minutes % 60 });
}

/** Time left until the deadline: green, yellow once the warning time passed, red when overdue. */
export function SlaCountdown({ deadlineAt, warnAt, overdue, stopped }: { deadlineAt: string | null; warnAt?: string | null; overdue?: boolean; stopped?: boolean }) {
  const { t } = useTranslation();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 60_000);
    return () => window.clearInterval(timer);
  }, []);
  if (!deadlineAt) return <Tag bordered={false}>{t('tickets.sla.none')}</Tag>;
  const left = new Date(deadlineAt).getTime() - now;
  if (stopped) return <Tag bordered={false}>{overdue ? t('tickets.sla.wasOverdue') : t('tickets.sla.stopped')}</Tag>;
  if (left < 0 || overdue) {
    return (
      <Tag color="red" data-testid="sla-countdown">
        {t('tickets.sla.overdue', { span: span(left, t) })}
      </Tag>
    );
  }
  const warn = warnAt ? new Date(warnAt).getTime() <= now : false;
  return (
    <Tag color={warn ? 'gold' : 'green'} data-testid="sla-countdown">
      {t('tickets.sla.left', { span: span(left, t) })}
    </Tag>
  );
}
