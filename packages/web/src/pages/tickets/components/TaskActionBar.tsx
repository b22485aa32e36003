import { useState } from 'react';
import { Button, Dropdown, Popconfirm, Space } from 'antd';
import { MoreOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { getMessage } from '../../../api/feedback';
import { ticketApi } from './ticketApi';
import { TaskActionModal, type TaskActionKind } from './TaskActionModal';
import type { Task, TicketStatus } from './types';
import { fire } from './fire';

/** Which unit actions a task offers in its state (the server has the last word). */
export function taskActionsFor(task: Task, ticketStatus: TicketStatus): { sign: boolean; main: TaskActionKind[]; more: TaskActionKind[] } {
  const s = task.status;
  const main: TaskActionKind[] = [];
  const more: TaskActionKind[] = [];
  if (s === 'awaiting_sign') {
    main.push('return');
    more.push('extension', 'difficult');
  }
  if (s === 'in_progress') {
    main.push('report');
    if (ticketStatus === 'rework') main.push('appeal');
    main.push('return');
    more.push('sub-assign', 'extension', 'suspension', 'difficult');
  }
  if (s === 'suspended') main.push('resume');
  return { sign: s === 'awaiting_sign', main, more };
}

/** Buttons for a unit's task; opens the matching form and reloads the list when done. */
export function TaskActionBar({ task, ticketStatus, caption, onChanged, size = 'small' }: { task: Task; ticketStatus: TicketStatus; caption?: string; onChanged: () => void; size?: 'small' | 'middle' }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<TaskActionKind | null>(null);
  const [signing, setSigning] = useState(false);
  const { sign, main, more } = taskActionsFor(task, ticketStatus);

  async function signTask() {
    setSigning(true);
    try {
      await ticketApi.taskAction(task.id, 'sign');
      getMessage().success(t('tickets.task.signed'));
      onChanged();
    } finally {
      setSigning(false);
    }
  }

  return (
    <>
      <Space size={4} wrap>
        {sign && (
          <Popconfirm title={t('tickets.task.signConfirm')} onConfirm={() => fire(signTask())} okButtonProps={{ 'data-testid': 'sign-confirm' }}>
            <Button type="primary" size={size} loading={signing} data-testid="task-sign">
              {t('tickets.task.sign')}
            </Button>
          </Popconfirm>
        )}
        {main.map((k, i) => (
          <Button key={k} size={size} type={i === 0 && !sign ? 'primary' : 'default'} danger={k === 'return'} onClick={() => setKind(k)} data-testid={`task-${k}`}>
            {t(`tickets.task.${k}`)}
          </Button>
        ))}
        {more.length > 0 && (
          <Dropdown menu={{ items: more.map((k) => ({ key: k, label: t(`tickets.task.${k}`) })), onClick: ({ key }) => setKind(key as TaskActionKind) }}>
            <Button size={size} icon={<MoreOutlined />} data-testid="task-more" />
          </Dropdown>
        )}
      </Space>
      <TaskActionModal
        task={kind ? task : null}
        kind={kind}
        caption={caption}
        onClose={() => setKind(null)}
        onDone={() => {
          setKind(null);
          onChanged();
        }}
      />
    </>
  );
}
