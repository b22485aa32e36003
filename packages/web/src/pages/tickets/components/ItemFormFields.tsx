import { useEffect, useState } from 'react';
import { Col, Form, Input, InputNumber, Row, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';

interface FormField {
  code: string;
  label: string;
  type: string;
  widget: string;
  required: boolean;
  base: boolean;
  description: string;
  validation: { maxLength?: number; min?: number; max?: number; pattern?: string };
}

/** The picked item's element fields (beyond the base ones the form already has), stored in formData. */
export function ItemFormFields({ itemId }: { itemId: string | null | undefined }) {
  const { t } = useTranslation();
  const [fields, setFields] = useState<FormField[]>([]);
  useEffect(() => {
    if (!itemId) {
      setFields([]);
      return;
    }
    let alive = true;
    api
      .get<{ fields: FormField[] }>(`/catalog/items/${encodeURIComponent(itemId)}/form`, undefined, { silent: true })
      .then((f) => alive && setFields(f.fields.filter((x) => !x.base)))
      .catch(() => alive && setFields([]));
    return () => {
      alive = false;
    };
  }, [itemId]);
  if (fields.length === 0) return null;
  return (
    <Row gutter={16} data-testid="item-fields">
      {fields.map((f) => (
        <Col xs={24} md={12} key={f.code}>
          <Form.Item
            name={['formData', f.code]}
            label={f.label}
            tooltip={f.description || undefined}
            valuePropName={f.type === 'boolean' ? 'checked' : 'value'}
            rules={f.required ? [{ required: true, message: t('tickets.required') }] : undefined}
          >
            {fieldInput(f)}
          </Form.Item>
        </Col>
      ))}
    </Row>
  );
}

function fieldInput(f: FormField) {
  if (f.type === 'number' || f.type === 'integer') return <InputNumber style={{ width: '100%' }} min={f.validation.min} max={f.validation.max} />;
  if (f.type === 'boolean') return <Switch />;
  if (f.type === 'textarea') return <Input.TextArea rows={2} maxLength={f.validation.maxLength} />;
  if (f.type === 'datetime') return <Input type="datetime-local" />;
  if (f.type === 'date') return <Input type="date" />;
  return <Input maxLength={f.validation.maxLength} />;
}
